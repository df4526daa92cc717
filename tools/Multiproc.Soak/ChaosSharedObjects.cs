
namespace Multiproc.Soak;

/// <summary>The shared objects under chaos, created and published by the driver, and their state at the end.</summary>
internal sealed class ChaosSharedObjects
{
    private ISharedQueue<long> _queue = null!;
    private ISharedList<long> _list = null!;
    private ISharedDictionary<string, long> _dictionary = null!;
    private ISharedValue<long> _counter = null!;
    private ISharedLock _lock = null!;
    private ISharedSemaphore _semaphore = null!;

    public static async Task<ChaosSharedObjects> CreateAsync(Manager manager, CancellationToken cancellationToken)
    {
        var objects = new ChaosSharedObjects
        {
            _queue = await manager.CreateQueueAsync<long>(ChaosNames.QueueCapacity, cancellationToken),
            _list = await manager.CreateListAsync<long>(cancellationToken: cancellationToken),
            _dictionary = await manager.CreateDictionaryAsync<string, long>(cancellationToken),
            _counter = await manager.CreateValueAsync(0L, cancellationToken),
            _lock = await manager.CreateLockAsync(cancellationToken: cancellationToken),
            _semaphore = await ChaosSemaphore.CreateAsync(manager, ChaosNames.Permits, cancellationToken),
        };
        await manager.PublishAsync(ChaosNames.Queue, objects._queue, cancellationToken);
        await manager.PublishAsync(ChaosNames.List, objects._list, cancellationToken);
        await manager.PublishAsync(ChaosNames.Dictionary, objects._dictionary, cancellationToken);
        await manager.PublishAsync(ChaosNames.Counter, objects._counter, cancellationToken);
        await manager.PublishAsync(ChaosNames.Lock, objects._lock, cancellationToken);
        await manager.PublishAsync(ChaosNames.Semaphore, objects._semaphore, cancellationToken);
        return objects;
    }

    /// <summary>Empties the queue and reads everything else; call once every worker is gone.</summary>
    public async Task<ChaosEndState> InspectAsync()
    {
        var queued = new List<long>();
        while (_queue.TryTake(out long item, TimeSpan.Zero))
        {
            queued.Add(item);
        }

        bool lockedAtEnd = _lock.IsLocked;
        bool lockAcquirable = _lock.TryAcquire(TimeSpan.Zero);
        if (lockAcquirable)
        {
            _lock.Release();
        }

        int permitsAtEnd = _semaphore.CurrentCount;
        int acquirable = 0;
        while (acquirable <= ChaosNames.Permits && _semaphore.TryAcquire(TimeSpan.Zero))
        {
            acquirable++;
        }

        if (acquirable > 0)
        {
            _semaphore.Release(acquirable);
        }

        return new ChaosEndState(
            queued,
            [.. await _list.ToArrayAsync()],
            await _dictionary.SnapshotAsync(),
            _counter.Value,
            lockedAtEnd,
            lockAcquirable,
            permitsAtEnd,
            acquirable);
    }

    /// <summary>Unpublishes and releases every object, so the manager's object count can return to where it was.</summary>
    public async Task ReleaseAsync(Manager manager)
    {
        foreach (string name in ChaosNames.All)
        {
            await manager.UnpublishAsync(name);
        }

        foreach (object proxy in new object[] { _queue, _list, _dictionary, _counter, _lock, _semaphore })
        {
            await SharedObject.FromProxy(proxy).DisposeAsync();
        }
    }
}
