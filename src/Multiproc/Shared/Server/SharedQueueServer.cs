using Multiproc.Server;

namespace Multiproc.Shared.Server;

/// <summary>
/// The manager's side of <see cref="ISharedQueue{T}"/>: a FIFO of encoded values, optionally
/// bounded, with completion and joinable-task counting.
/// </summary>
/// <remarks>
/// <para>Calls overlap (a waiting take must not block a put); state changes happen under one lock
/// never held across an await. Items go straight to the longest-waiting taker; puts waiting for
/// space are served in arrival order.</para>
/// <para>A taker whose call is cancelled (its connection closed) leaves the queue atomically: it
/// either got its items or is gone before any are handed to it. Items handed to a taker whose
/// connection turns out to have closed go back to the front of the queue. Items already sent to a
/// process at the moment it dies are lost with it, as with any pipe.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedQueueServer : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Deque<EncodedValue> _items = new();
    private readonly WaitQueue<EncodedValue[]?> _takers;
    private readonly WaitQueue<bool> _putters;
    private readonly WaitQueue<bool> _joiners;
    private readonly ElementCheck _check;
    private readonly int _capacity;
    private long _unfinished;
    private bool _addingCompleted;
    private bool _disposed;

    public SharedQueueServer(int kind, bool nullable, int capacity, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _check = new ElementCheck((ValueKind)kind, nullable, "queue");
        _capacity = capacity;
        _takers = new WaitQueue<EncodedValue[]?>(_lock, clock);
        _putters = new WaitQueue<bool>(_lock, clock);
        _joiners = new WaitQueue<bool>(_lock, clock);
    }

    public int Capacity() => _capacity;

    public int Count()
    {
        lock (_lock)
        {
            return _items.Count;
        }
    }

    public bool IsAddingCompleted()
    {
        lock (_lock)
        {
            return _addingCompleted;
        }
    }

    public bool IsCompleted()
    {
        lock (_lock)
        {
            return _addingCompleted && _items.Count == 0;
        }
    }

    /// <summary>Gets how many takes and puts are waiting (for tests and diagnostics; not callable remotely).</summary>
    internal (int Takers, int Putters) Waiting
    {
        get
        {
            lock (_lock)
            {
                return (_takers.Count, _putters.Count);
            }
        }
    }

    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for space.</summary>
    /// <returns>False when the time ran out (nothing was added).</returns>
    /// <exception cref="InvalidOperationException">Adding was completed.</exception>
    public ValueTask<bool> Put(EncodedValue value, TimeSpan timeout, CancellationToken cancellationToken)
        => PutCore([value], WaitTimeout.Validate(timeout), cancellationToken);

    /// <summary>Adds items in order, waiting for space as needed.</summary>
    /// <remarks>If cancelled (or adding is completed) while waiting, a prefix of the items may have been added.</remarks>
    public ValueTask<bool> PutMany(EncodedValue[] values, CancellationToken cancellationToken)
        => PutCore(values, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Removes 1..<paramref name="max"/> items, waiting up to <paramref name="timeout"/> for the first.</summary>
    /// <returns>The items; empty when the time ran out; null when adding is completed and the queue is empty.</returns>
    public ValueTask<EncodedValue[]?> Take(int max, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        WaitTimeout.Validate(timeout);
        Waiter<EncodedValue[]?> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_items.Count > 0)
            {
                return ValueTask.FromResult<EncodedValue[]?>(TakeAvailable(max));
            }

            if (_addingCompleted)
            {
                return ValueTask.FromResult<EncodedValue[]?>(null);
            }

            if (timeout == TimeSpan.Zero)
            {
                return ValueTask.FromResult<EncodedValue[]?>([]);
            }

            waiter = _takers.Enqueue(caller.ConnectionId, max);
        }

        return WaitToTakeAsync(waiter, timeout, caller, cancellationToken);
    }

    /// <summary>Marks the queue as accepting no more items; waiting takes of an empty queue end, waiting puts fail.</summary>
    public void CompleteAdding()
    {
        lock (_lock)
        {
            _addingCompleted = true;
            if (_items.Count == 0)
            {
                _takers.GrantAll(null);
            }

            _putters.FailAll(AddingCompleted());
        }
    }

    /// <summary>Marks one taken item as processed (Python's <c>task_done</c>).</summary>
    /// <exception cref="InvalidOperationException">More calls than items put.</exception>
    public void TaskDone()
    {
        lock (_lock)
        {
            if (_unfinished == 0)
            {
                throw new InvalidOperationException("TaskDone was called more times than items were put.");
            }

            if (--_unfinished == 0)
            {
                _joiners.GrantAll(true);
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> until every item put has been marked done.</summary>
    /// <returns>False when the time ran out.</returns>
    public ValueTask<bool> Join(TimeSpan timeout, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        Waiter<bool> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_unfinished == 0 || timeout == TimeSpan.Zero)
            {
                return ValueTask.FromResult(_unfinished == 0);
            }

            waiter = _joiners.Enqueue(0);
        }

        return WaitToJoinAsync(waiter, timeout, cancellationToken);
    }

    public void Dispose()
    {
        EncodedValue[] items;
        lock (_lock)
        {
            _disposed = true;
            items = _items.RemoveAll();
            var disposed = new ObjectDisposedException("ISharedQueue", "The shared queue was released while waiting.");
            _takers.FailAll(disposed);
            _putters.FailAll(disposed);
            _joiners.FailAll(disposed);
        }

        foreach (EncodedValue item in items)
        {
            item.Release();
        }
    }

    private static InvalidOperationException AddingCompleted() => new("The shared queue has been marked as complete with regards to additions.");

    private ValueTask<bool> PutCore(EncodedValue[] values, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (EncodedValue value in values)
        {
            _check.Verify(value);
        }

        var pending = new PendingPut(values);
        Waiter<bool>? waiter = null;
        bool refused;
        lock (_lock)
        {
            refused = _disposed || _addingCompleted;
            if (!refused)
            {
                Deliver(pending);
                if (!pending.IsDone && timeout != TimeSpan.Zero)
                {
                    waiter = _putters.Enqueue(0, pending);
                }
            }
        }

        if (waiter is not null)
        {
            return WaitToPutAsync(waiter, pending, timeout, cancellationToken);
        }

        bool done = pending.IsDone;
        pending.ReleaseRest();
        if (refused)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            throw AddingCompleted();
        }

        return ValueTask.FromResult(done);
    }

    /// <summary>Hands items to waiting takers, then stores what fits (under the lock).</summary>
    private void Deliver(PendingPut pending)
    {
        while (!pending.IsDone)
        {
            if (_takers.Dequeue() is { } taker)
            {
                EncodedValue[] batch = pending.Take((int)taker.State!);
                _unfinished += batch.Length;
                taker.TrySetResult(batch);
            }
            else if (_capacity == 0 || _items.Count < _capacity)
            {
                _items.AddLast(pending.Next());
                _unfinished++;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>Removes up to <paramref name="max"/> stored items, then lets waiting puts fill the space (under the lock).</summary>
    private EncodedValue[] TakeAvailable(int max)
    {
        EncodedValue[] batch = new EncodedValue[Math.Min(max, _items.Count)];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = _items.RemoveFirst().Removed();
        }

        while (_putters.Peek() is { } putter && _items.Count < _capacity)
        {
            var pending = (PendingPut)putter.State!;
            while (!pending.IsDone && _items.Count < _capacity)
            {
                _items.AddLast(pending.Next());
                _unfinished++;
            }

            if (pending.IsDone)
            {
                _putters.Dequeue();
                putter.TrySetResult(true);
            }
        }

        return batch;
    }

    /// <summary>Puts items a closed connection was handed back at the front, or to the next takers.</summary>
    private void Requeue(EncodedValue[] items)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                for (int i = items.Length - 1; i >= 0; i--)
                {
                    _items.AddFirst(items[i]);
                }

                while (_items.Count > 0 && _takers.Dequeue() is { } taker)
                {
                    taker.TrySetResult(TakeAvailable((int)taker.State!));
                }

                return;
            }
        }

        foreach (EncodedValue item in items)
        {
            item.Release();
        }
    }

    private async ValueTask<EncodedValue[]?> WaitToTakeAsync(Waiter<EncodedValue[]?> waiter, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        (bool granted, EncodedValue[]? items) = await _takers.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false);
        if (!granted)
        {
            return [];
        }

        if (items is { Length: > 0 } && caller.Disconnected.IsCancellationRequested)
        {
            // The taker's process is gone: these items would die with the reply.
            Requeue(items);
            caller.Disconnected.ThrowIfCancellationRequested();
        }

        return items;
    }

    private async ValueTask<bool> WaitToPutAsync(Waiter<bool> waiter, PendingPut pending, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            (bool granted, _) = await _putters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false);
            return granted;
        }
        finally
        {
            pending.ReleaseRest();
        }
    }

    private async ValueTask<bool> WaitToJoinAsync(Waiter<bool> waiter, TimeSpan timeout, CancellationToken cancellationToken)
        => (await _joiners.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false)).Granted;
}
