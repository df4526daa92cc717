using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedQueue{T}"/>: a FIFO of encoded values, optionally
/// bounded, with completion and joinable-task counting.
/// </summary>
/// <remarks>
/// <para>Calls overlap (a waiting take must not block a put); state changes happen under one lock
/// never held across an await. Items go straight to the longest-waiting taker; puts waiting for
/// space are served in arrival order.</para>
/// <para>Delivery: items taken are leased (<see cref="QueueLease"/>) until the taker's process
/// acknowledges them. A taker whose call is cancelled leaves the queue atomically: it either got its
/// items or is gone before any are handed to it. Items whose taker gave up on the call, or whose
/// connection closed before its receipt arrived, go back to the front of the queue in order; so an
/// item whose put returned is in the queue or held by exactly one taker whose take returned it.</para>
/// <para>Joining: an item counts as unfinished from its put until <see cref="TaskDone"/>; items
/// committed to a connection that then closes without marking them done count as done.</para>
/// <para>Over 300 lines on purpose: puts, takes and their waiters share one lock and one FIFO
/// invariant (the architecture review found it cohesive); leases are already their own partial.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed partial class SharedQueueServer : IDisposable
{
    // A reply is [kind, callId, [items...]]: this much besides the items' own bytes, with room to spare.
    private const int ReplyOverhead = 32;

    private readonly Lock _lock = new();
    private readonly Deque<QueuedItem> _items = new();
    private readonly WaitQueue<QueuedItem[]?> _takers;
    private readonly WaitQueue<bool> _putters;
    private readonly WaitQueue<bool> _joiners;
    private readonly ElementCheck _check;
    private readonly int _capacity;
    private readonly ClosingWatch _takerWatch;
    private readonly Dictionary<long, long> _outstanding = [];
    private long _unfinished;
    private long _nextSequence;
    private bool _addingCompleted;
    private bool _disposed;

    public SharedQueueServer(int kind, bool nullable, int capacity, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _check = new ElementCheck((ValueKind)kind, nullable, "queue");
        _capacity = capacity;
        _takers = new WaitQueue<QueuedItem[]?>(WaitKinds.QueueTake, _lock, clock);
        _putters = new WaitQueue<bool>(WaitKinds.QueuePut, _lock, clock);
        _joiners = new WaitQueue<bool>(WaitKinds.QueueJoin, _lock, clock);
        _takerWatch = new ClosingWatch(OnTakerClosed);
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
    /// <returns>
    /// The items, leased to the caller; empty when the time ran out; null when adding is completed and
    /// the queue is empty. Fewer than <paramref name="max"/> when more would not fit in one reply.
    /// </returns>
    public ValueTask<Leased<EncodedValue[]?>> Take(int max, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        WaitTimeout.Validate(timeout);
        var request = new TakeRequest(max, caller.MaxFrameSize - ReplyOverhead);
        QueuedItem[]? taken;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_items.Count > 0)
            {
                taken = TakeAvailable(request);
            }
            else if (_addingCompleted)
            {
                taken = null;
            }
            else if (timeout == TimeSpan.Zero)
            {
                taken = [];
            }
            else
            {
                Waiter<QueuedItem[]?> waiter = _takers.Enqueue(caller.ConnectionId, request);
                return WaitToTakeAsync(waiter, timeout, caller, cancellationToken);
            }
        }

        return ValueTask.FromResult(Lease(taken, caller));
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
    public void TaskDone(Caller caller)
    {
        lock (_lock)
        {
            if (_unfinished == 0)
            {
                throw new InvalidOperationException("TaskDone was called more times than items were put.");
            }

            MarkOneDone(caller.ConnectionId);
            FinishTasks(1);
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
        QueuedItem[] items;
        lock (_lock)
        {
            _disposed = true;
            _takerWatch.Dispose();
            items = _items.RemoveAll();
            var disposed = new ObjectDisposedException("ISharedQueue", "The shared queue was released while waiting.");
            _takers.FailAll(disposed);
            _putters.FailAll(disposed);
            _joiners.FailAll(disposed);
        }

        foreach (QueuedItem item in items)
        {
            item.Value.Release();
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
                var request = (TakeRequest)taker.State!;
                var batch = new QueuedItem[pending.CountFitting(request.Max, request.ByteBudget)];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = Admit(pending);
                }

                HandOut(batch);

                taker.TrySetResult(batch);
            }
            else if (_capacity == 0 || _items.Count < _capacity)
            {
                _items.AddLast(Admit(pending));
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>
    /// Removes up to the request's count of stored items (at least one; no more than fit its reply),
    /// then lets waiting puts fill the space (under the lock).
    /// </summary>
    /// <remarks>The items stay held: the taker's lease releases them when committed, or requeues them.</remarks>
    private QueuedItem[] TakeAvailable(TakeRequest request)
    {
        var batch = new QueuedItem[Math.Min(request.Max, _items.Count)];
        int count = 0;
        long bytes = 0;
        while (count < batch.Length && (count == 0 || bytes + _items.PeekFirst().Value.Bytes.Length <= request.ByteBudget))
        {
            batch[count] = _items.RemoveFirst();
            bytes += batch[count].Value.Bytes.Length;
            count++;
        }

        if (count < batch.Length)
        {
            Array.Resize(ref batch, count);
        }

        HandOut(batch);

        while (_putters.Peek() is { } putter && _items.Count < _capacity)
        {
            var pending = (PendingPut)putter.State!;
            while (!pending.IsDone && _items.Count < _capacity)
            {
                _items.AddLast(Admit(pending));
            }

            if (pending.IsDone)
            {
                _putters.Dequeue();
                putter.TrySetResult(true);
            }
        }

        return batch;
    }

    /// <summary>Takes the next value of a put into the queue's custody: numbered, and unfinished until marked done (under the lock).</summary>
    private QueuedItem Admit(PendingPut pending)
    {
        _unfinished++;
        return new QueuedItem(_nextSequence++, pending.Next());
    }

    private async ValueTask<Leased<EncodedValue[]?>> WaitToTakeAsync(Waiter<QueuedItem[]?> waiter, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        (bool granted, QueuedItem[]? items) = await _takers.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false);
        return Lease(granted ? items : [], caller);
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
