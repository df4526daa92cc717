using System.Diagnostics;
using System.Runtime.CompilerServices;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary><see cref="ISharedQueue{T}"/> over a CPython <c>queue.Queue</c> (typeid <c>Queue</c>, AutoProxy).</summary>
/// <remarks>
/// <para>Waits with a cancellation token or a timeout are sliced: <c>get</c>/<c>put</c> with a timeout of at most
/// <see cref="Slice"/>, repeated, with the token checked between slices. A Python call that timed out took or added
/// nothing, so cancelling never loses an item (an abandoned blocking <c>get</c> would take the next item into a
/// closed channel). Cancellation is therefore noticed within one slice.</para>
/// <para>Completion is Python 3.13's <c>shutdown()</c>: <see cref="CompleteAdding"/> calls it, takes end on
/// <c>queue.ShutDown</c>. Older servers have none (NotSupportedException). CPython exposes no way to read
/// <c>maxsize</c> or whether the queue is shut down, so <see cref="Capacity"/> is known only for queues created with one,
/// and <see cref="IsAddingCompleted"/>/<see cref="IsCompleted"/> throw. Batch members are one call per item
/// (CPython has no batch put or get), so other producers' and consumers' items may interleave.</para>
/// </remarks>
internal sealed class PythonQueueAdapter<T> : ISharedQueue<T>
{
    /// <summary>The longest single Python wait of a sliced wait.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    private readonly PythonObject _queue;
    private readonly int? _capacity;

    public PythonQueueAdapter(PythonObject queue, int? capacity)
    {
        _queue = queue;
        _capacity = capacity;
    }

    public int Count => PythonValueConverter.To<int>(_queue.Call("qsize"));

    public int Capacity => _capacity ?? throw new NotSupportedException(
        "CPython's queue proxy exposes no way to read maxsize: pass the capacity to PythonObject.AsQueue, or create the queue with PythonManager.CreateQueueAsync.");

    public bool IsAddingCompleted => throw new NotSupportedException("CPython's queue proxy exposes no way to read whether the queue is shut down.");

    public bool IsCompleted => throw new NotSupportedException("CPython's queue proxy exposes no way to read whether the queue is shut down.");

    public void Put(T item) => _queue.Call("put", item);

    public bool TryPut(T item, TimeSpan timeout) => Wait("put", item, timeout, PythonErrorMapping.QueueFull, CancellationToken.None, out _);

    public Task<bool> TryPutAsync(T item, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return PythonObject.RunAsync(() => Wait("put", item, timeout, PythonErrorMapping.QueueFull, cancellationToken, out _), waits: true, cancellationToken);
    }

    public Task PutAsync(T item, CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => Wait("put", item, Timeout.InfiniteTimeSpan, PythonErrorMapping.QueueFull, cancellationToken, out _), waits: true, cancellationToken);

    public void PutMany(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (T item in items)
        {
            Put(item);
        }
    }

    public Task PutManyAsync(IEnumerable<T> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        T[] all = [.. items];
        return PythonObject.RunAsync(
            () =>
            {
                foreach (T item in all)
                {
                    Wait("put", item, Timeout.InfiniteTimeSpan, PythonErrorMapping.QueueFull, cancellationToken, out _);
                }

                return true;
            },
            waits: true,
            cancellationToken);
    }

    public T Take() => PythonValueConverter.To<T>(_queue.Call("get"));

    public Task<T> TakeAsync(CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(
            () =>
            {
                Wait("get", null, Timeout.InfiniteTimeSpan, PythonErrorMapping.QueueEmpty, cancellationToken, out object? item);
                return PythonValueConverter.To<T>(item);
            },
            waits: true,
            cancellationToken);

    public bool TryTake(out T item, TimeSpan timeout)
    {
        CheckTimeout(timeout);
        (bool success, item) = TryTakeCore(timeout, CancellationToken.None);
        return success;
    }

    public Task<(bool Success, T Value)> TryTakeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return PythonObject.RunAsync(() => TryTakeCore(timeout, cancellationToken), waits: true, cancellationToken);
    }

    public T[] TakeMany(int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return TakeRest(TryTakeCore(Timeout.InfiniteTimeSpan, CancellationToken.None), maxCount);
    }

    public Task<T[]> TakeManyAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return PythonObject.RunAsync(() => TakeRest(TryTakeCore(Timeout.InfiniteTimeSpan, cancellationToken), maxCount), waits: true, cancellationToken);
    }

    public void CompleteAdding()
    {
        if (!_queue.Exposed.Contains("shutdown"))
        {
            throw new NotSupportedException("This Python manager's queue has no shutdown() (it came in CPython 3.13), so adding cannot be completed.");
        }

        _queue.Call("shutdown");
    }

    public IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            (bool success, T item) = TryTakeCore(Timeout.InfiniteTimeSpan, cancellationToken);
            if (!success)
            {
                yield break;
            }

            yield return item;
        }
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            (bool success, T item) = await PythonObject.RunAsync(() => TryTakeCore(Timeout.InfiniteTimeSpan, cancellationToken), waits: true, cancellationToken).ConfigureAwait(false);
            if (!success)
            {
                yield break;
            }

            yield return item;
        }
    }

    public void TaskDone()
    {
        try
        {
            _queue.Call("task_done");
        }
        catch (ArgumentException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.ValueError))
        {
            throw new InvalidOperationException("TaskDone was called more times than items were put.", ex);
        }
    }

    public void Join() => _queue.Call("join");

    public bool Join(TimeSpan timeout)
    {
        CheckTimeout(timeout);
        using var expiry = new CancellationTokenSource(timeout);
        try
        {
            _queue.Call("join", PyTuple.Empty, new PyDict(), expiry.Token);
            return true;
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested)
        {
            return false;
        }
    }

    public Task JoinAsync(CancellationToken cancellationToken = default)
        => PythonObject.RunAsync(() => _queue.Call("join", PyTuple.Empty, new PyDict(), cancellationToken), waits: true, cancellationToken);

    public Task<bool> JoinAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        CheckTimeout(timeout);
        return PythonObject.RunAsync(
            () =>
            {
                using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                expiry.CancelAfter(timeout);
                try
                {
                    _queue.Call("join", PyTuple.Empty, new PyDict(), expiry.Token);
                    return true;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            },
            waits: true,
            cancellationToken);
    }

    public void Dispose() => _queue.Dispose();

    public override string ToString() => $"PythonQueue({_queue.Id} at {_queue.ManagerAddress})";

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        }
    }

    private (bool Success, T Value) TryTakeCore(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return Wait("get", null, timeout, PythonErrorMapping.QueueEmpty, cancellationToken, out object? item)
                ? (true, PythonValueConverter.To<T>(item))
                : (false, default!);
        }
        catch (InvalidOperationException ex) when (PythonErrorMapping.Is(ex, PythonErrorMapping.QueueShutDown))
        {
            return (false, default!);
        }
    }

    private T[] TakeRest((bool Success, T Value) first, int maxCount)
    {
        if (!first.Success)
        {
            return [];
        }

        var items = new List<T>(Math.Min(maxCount, 64)) { first.Value };
        while (items.Count < maxCount && TryTakeCore(TimeSpan.Zero, CancellationToken.None) is (true, T next))
        {
            items.Add(next);
        }

        return [.. items];
    }

    /// <summary>Runs <c>get</c> or <c>put</c> in slices until it succeeds, the time is up (false) or the token fires.</summary>
    private bool Wait(string method, object? item, TimeSpan timeout, string missType, CancellationToken cancellationToken, out object? result)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan left = timeout == Timeout.InfiniteTimeSpan ? Slice : timeout - Stopwatch.GetElapsedTime(start);
            bool last = timeout != Timeout.InfiniteTimeSpan && left <= Slice;
            TimeSpan wait = left < TimeSpan.Zero ? TimeSpan.Zero : left < Slice ? left : Slice;
            if (timeout == Timeout.InfiniteTimeSpan && !cancellationToken.CanBeCanceled)
            {
                result = method == "get" ? _queue.Call("get") : _queue.Call("put", item);
                return true;
            }

            object?[] args = method == "get" ? [wait > TimeSpan.Zero, wait.TotalSeconds] : [item, wait > TimeSpan.Zero, wait.TotalSeconds];
            try
            {
                result = _queue.Call(method, args);
                return true;
            }
            catch (Exception ex) when (PythonErrorMapping.Is(ex, missType))
            {
                if (last)
                {
                    result = null;
                    return false;
                }
            }
        }
    }
}
