namespace Multiproc.Orleans.Wire;

/// <summary>What a Call message says before its arguments.</summary>
/// <param name="CallId">The caller's id for the call; the reply repeats it.</param>
/// <param name="ObjectId">The object called (the grain's key).</param>
/// <param name="Member">The member key or bare name (docs/protocol.md §3).</param>
/// <param name="ArgumentCount">How many arguments follow.</param>
internal readonly record struct CallHeader(uint CallId, long ObjectId, string Member, int ArgumentCount);
