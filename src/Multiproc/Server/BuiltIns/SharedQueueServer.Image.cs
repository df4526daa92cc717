namespace Multiproc.Server.BuiltIns;

/// <summary>The snapshot half: what a host that persists the queue stores, and how a fresh queue takes it back.</summary>
internal sealed partial class SharedQueueServer
{
    /// <summary>
    /// Takes a consistent snapshot (under the queue's lock): the items in put order, those handed to a taker and not
    /// yet acknowledged included (a restore gives them back at the front: delivery is at-least-once), whether adding
    /// is completed, and the joinable-task counts.
    /// </summary>
    /// <remarks>Waiting takes and puts are not state: their calls have not returned.</remarks>
    internal (EncodedValue[] Items, bool AddingCompleted, long Unfinished, (long Session, long Count)[] Outstanding) CaptureImage()
    {
        lock (_lock)
        {
            QueuedItem[] items = [.. _handedOut.Values, .. _items.ToArray()];
            Array.Sort(items, static (a, b) => a.Sequence.CompareTo(b.Sequence));
            return (
                Array.ConvertAll(items, static item => item.Value),
                _addingCompleted,
                _unfinished,
                [.. _outstanding.Select(static pair => (pair.Key, pair.Value))]);
        }
    }

    /// <summary>Gives a freshly created, unused queue the state <see cref="CaptureImage"/> took.</summary>
    /// <param name="items">The items, in order (they may exceed the capacity of a queue whose bound was reached by requeued items).</param>
    /// <param name="addingCompleted">Whether adding was completed.</param>
    /// <param name="unfinished">Items put and not yet marked done.</param>
    /// <param name="outstanding">Per session, items it took and has not marked done.</param>
    /// <param name="sessionOf">The caller of a session, whose closing is watched from now on (a fresh lease).</param>
    internal void RestoreImage(EncodedValue[] items, bool addingCompleted, long unfinished, (long Session, long Count)[] outstanding, Func<long, Caller> sessionOf)
    {
        lock (_lock)
        {
            foreach (EncodedValue item in items)
            {
                _items.AddLast(new QueuedItem(_nextSequence++, item));
            }

            _addingCompleted = addingCompleted;
            _unfinished = unfinished;
            foreach ((long session, long count) in outstanding)
            {
                try
                {
                    _takerWatch.Watch(sessionOf(session));
                    _outstanding[session] = count;
                }
                catch (OperationCanceledException)
                {
                    // That session is already gone: its items count as done, as when it closes.
                    _unfinished = Math.Max(0, _unfinished - count);
                }
            }
        }
    }
}
