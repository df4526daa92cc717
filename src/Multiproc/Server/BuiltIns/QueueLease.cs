
namespace Multiproc.Server.BuiltIns;

/// <summary>Items a take handed to one caller: committed on its receipt, requeued at the front otherwise.</summary>
internal sealed class QueueLease : Lease
{
    private readonly SharedQueueServer _queue;
    private readonly QueuedItem[] _items;
    private readonly Caller _caller;

    public QueueLease(SharedQueueServer queue, QueuedItem[] items, Caller caller)
    {
        _queue = queue;
        _items = items;
        _caller = caller;
    }

    protected override void OnCommitted() => _queue.Commit(_items, _caller);

    protected override void OnReturned() => _queue.Requeue(_items);
}
