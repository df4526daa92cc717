namespace Multiproc.Server.BuiltIns;

/// <summary>An item in a shared queue's custody, numbered in put order.</summary>
/// <param name="Sequence">Its place in put order: an item given back goes ahead of every item put after it.</param>
/// <param name="Value">The item, holding the queue's references to objects inside it.</param>
internal readonly record struct QueuedItem(long Sequence, EncodedValue Value);
