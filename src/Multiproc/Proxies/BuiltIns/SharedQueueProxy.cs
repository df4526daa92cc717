using System.Runtime.CompilerServices;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared queue.</summary>
/// <remarks>Waiting members use settled calls: a cancelled take still returns an item the manager already handed over.</remarks>
internal sealed class SharedQueueProxy<T> : BuiltInProxy, ISharedQueue<T>
{
    private static readonly ValueWriter[] s_itemTimeout = [ValueCodec<T>.Writer, ValueCodec<TimeSpan>.Writer];
    private static readonly ValueWriter[] s_items = [ValueCodec<T[]>.Writer];
    private static readonly ValueWriter[] s_maxTimeout = [ValueCodec<int>.Writer, ValueCodec<TimeSpan>.Writer];
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    // When a sliced wait is done (SlicedWait): a put or join that succeeded; a take that got items or found the queue completed.
    private static readonly Func<bool, bool> s_true = static done => done;
    private static readonly Func<T[]?, bool> s_tookOrCompleted = static taken => taken is not { Length: 0 };

    public SharedQueueProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int Count => Call<int>(QueueMembers.Count, [], []);

    public int Capacity => Call<int>(QueueMembers.Capacity, [], []);

    public bool IsAddingCompleted => Call<bool>(QueueMembers.IsAddingCompleted, [], []);

    public bool IsCompleted => Call<bool>(QueueMembers.IsCompleted, [], []);

    public void Put(T item) => TryPut(item, Timeout.InfiniteTimeSpan);

    public bool TryPut(T item, TimeSpan timeout)
        => CallWaiting<bool>(QueueMembers.Put, [item, WaitTimeout.Validate(timeout)], 1, s_itemTimeout, s_true, default);

    public Task<bool> TryPutAsync(T item, TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallWaitingAsync<bool>(QueueMembers.Put, [item, WaitTimeout.Validate(timeout)], 1, s_itemTimeout, s_true, cancellationToken);

    public Task PutAsync(T item, CancellationToken cancellationToken = default)
        => CallWaitingAsync<bool>(QueueMembers.Put, [item, Timeout.InfiniteTimeSpan], 1, s_itemTimeout, s_true, cancellationToken);

    public void PutMany(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        CallSettled<bool>(QueueMembers.PutMany, [items.ToArray()], s_items, default);
    }

    public Task PutManyAsync(IEnumerable<T> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return CallSettledAsync<bool>(QueueMembers.PutMany, [items.ToArray()], s_items, cancellationToken);
    }

    public T Take() => Single(TakeCore(1, Timeout.InfiniteTimeSpan, default));

    public async Task<T> TakeAsync(CancellationToken cancellationToken = default)
        => Single(await TakeCoreAsync(1, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false));

    public bool TryTake(out T item, TimeSpan timeout)
    {
        T[]? taken = TakeCore(1, WaitTimeout.Validate(timeout), default);
        item = taken is [var first] ? first : default!;
        return taken is [_];
    }

    public async Task<(bool Success, T Value)> TryTakeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        T[]? taken = await TakeCoreAsync(1, WaitTimeout.Validate(timeout), cancellationToken).ConfigureAwait(false);
        return taken is [var first] ? (true, first) : (false, default!);
    }

    public T[] TakeMany(int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return TakeCore(maxCount, Timeout.InfiniteTimeSpan, default) ?? [];
    }

    public async Task<T[]> TakeManyAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return await TakeCoreAsync(maxCount, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false) ?? [];
    }

    public void CompleteAdding() => Call(QueueMembers.CompleteAdding, [], []);

    public IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken = default)
    {
        while (TakeCore(1, Timeout.InfiniteTimeSpan, cancellationToken) is [var item])
        {
            yield return item;
        }
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await TakeCoreAsync(1, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false) is [var item])
        {
            yield return item;
        }
    }

    public void TaskDone() => Call(QueueMembers.TaskDone, [], []);

    public void Join() => Join(Timeout.InfiniteTimeSpan);

    public bool Join(TimeSpan timeout)
        => CallWaiting<bool>(QueueMembers.Join, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_true, default, retryUnavailable: true);

    public Task JoinAsync(CancellationToken cancellationToken = default)
        => CallWaitingAsync<bool>(QueueMembers.Join, [Timeout.InfiniteTimeSpan], 0, s_timeout, s_true, cancellationToken, retryUnavailable: true);

    public Task<bool> JoinAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallWaitingAsync<bool>(QueueMembers.Join, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_true, cancellationToken, retryUnavailable: true);

    private static T Single(T[]? taken)
        => taken is [var item] ? item : throw new InvalidOperationException("The shared queue is completed: adding was completed and it is empty.");

    /// <summary>Takes 1..max items: empty on timeout, null once the queue is completed.</summary>
    private T[]? TakeCore(int max, TimeSpan timeout, CancellationToken cancellationToken)
        => CallWaiting<T[]?>(QueueMembers.Take, [max, timeout], 1, s_maxTimeout, s_tookOrCompleted, cancellationToken, retryUnavailable: true);

    private Task<T[]?> TakeCoreAsync(int max, TimeSpan timeout, CancellationToken cancellationToken)
        => CallWaitingAsync<T[]?>(QueueMembers.Take, [max, timeout], 1, s_maxTimeout, s_tookOrCompleted, cancellationToken, retryUnavailable: true);
}
