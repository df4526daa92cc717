
namespace Multiproc.Server.BuiltIns;

/// <summary>The delivery half: leases on taken items, their commit or return, and joinable-task counting per taker.</summary>
internal sealed partial class SharedQueueServer
{
    // Items handed to a taker whose lease is neither committed nor returned yet, by sequence: a snapshot
    // (CaptureImage) counts them as still queued, since an unacknowledged take is given back.
    private readonly Dictionary<long, QueuedItem> _handedOut = [];

    /// <summary>Gets or sets a callback told of every committed take (tests and diagnostics; not callable remotely).</summary>
    /// <remarks>Called after the commit, outside the queue's lock, on the thread that processed the receipt.</remarks>
    internal Action<Caller, EncodedValue[]>? Committed { get; set; }

    /// <summary>Wraps what a take returns: the values, and a lease when it handed items over.</summary>
    private Leased<EncodedValue[]?> Lease(QueuedItem[]? items, Caller caller)
    {
        if (items is not { Length: > 0 })
        {
            return new(items is null ? null : [], null);
        }

        var values = new EncodedValue[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            values[i] = items[i].Value;
        }

        return new(values, new QueueLease(this, items, caller));
    }

    /// <summary>The taker has its items: drops the queue's holds on them and counts them against its connection until marked done.</summary>
    internal void Commit(QueuedItem[] items, Caller caller)
    {
        foreach (QueuedItem item in items)
        {
            item.Value.Release();
        }

        lock (_lock)
        {
            foreach (QueuedItem item in items)
            {
                _handedOut.Remove(item.Sequence);
            }

            try
            {
                _takerWatch.Watch(caller);
                _outstanding[caller.ConnectionId] = _outstanding.GetValueOrDefault(caller.ConnectionId) + items.Length;
            }
            catch (OperationCanceledException)
            {
                // The taker's connection is already gone: nobody will mark these done.
                FinishTasks(items.Length);
            }
        }

        if (Committed is { } committed)
        {
            committed(caller, Array.ConvertAll(items, item => item.Value));
        }
    }

    /// <summary>
    /// Puts items whose taker never received them back where they were (in put order, ahead of every
    /// item put after them), or hands them to the next takers.
    /// </summary>
    internal void Requeue(QueuedItem[] items)
    {
        lock (_lock)
        {
            foreach (QueuedItem item in items)
            {
                _handedOut.Remove(item.Sequence);
            }

            if (!_disposed)
            {
                // Items given back are older than every item never taken, so at most a front run of
                // items given back earlier has to be merged with them.
                var older = new List<QueuedItem>();
                while (_items.Count > 0 && _items.PeekFirst().Sequence < items[^1].Sequence)
                {
                    older.Add(_items.RemoveFirst());
                }

                QueuedItem[] merged = [.. older, .. items];
                Array.Sort(merged, static (a, b) => a.Sequence.CompareTo(b.Sequence));
                for (int i = merged.Length - 1; i >= 0; i--)
                {
                    _items.AddFirst(merged[i]);
                }

                while (_items.Count > 0 && _takers.Dequeue() is { } taker)
                {
                    taker.TrySetResult(TakeAvailable((TakeRequest)taker.State!));
                }

                return;
            }
        }

        foreach (QueuedItem item in items)
        {
            item.Value.Release();
        }
    }

    /// <summary>Notes items leaving the queue for a taker, until their lease is committed or returned (under the lock).</summary>
    private void HandOut(QueuedItem[] items)
    {
        foreach (QueuedItem item in items)
        {
            _handedOut[item.Sequence] = item;
        }
    }

    /// <summary>Counts one item marked done against the caller's taken items, or another connection's when it has none (under the lock).</summary>
    private void MarkOneDone(long connectionId)
    {
        if (!_outstanding.ContainsKey(connectionId))
        {
            // Done on another's behalf (a coordinator marking its workers' items).
            foreach (long other in _outstanding.Keys)
            {
                connectionId = other;
                break;
            }
        }

        if (_outstanding.TryGetValue(connectionId, out long count))
        {
            if (count == 1)
            {
                _outstanding.Remove(connectionId);
            }
            else
            {
                _outstanding[connectionId] = count - 1;
            }
        }
    }

    /// <summary>Marks <paramref name="count"/> items finished and releases joiners when none is left (under the lock).</summary>
    private void FinishTasks(long count)
    {
        _unfinished = Math.Max(0, _unfinished - count);
        if (_unfinished == 0)
        {
            _joiners.GrantAll(true);
        }
    }

    /// <summary>A taker's connection closed: the items it took and never marked done count as done.</summary>
    private void OnTakerClosed(long connectionId)
    {
        lock (_lock)
        {
            _takerWatch.Forget(connectionId);
            if (_outstanding.Remove(connectionId, out long count))
            {
                FinishTasks(count);
            }
        }
    }

    /// <summary>What a waiting take asks for: at most <paramref name="Max"/> items of at most <paramref name="ByteBudget"/> bytes (but at least one item).</summary>
    private sealed record TakeRequest(int Max, int ByteBudget);
}
