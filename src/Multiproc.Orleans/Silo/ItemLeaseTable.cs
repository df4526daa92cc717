using Multiproc.Server;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The queue items handed to takers and not yet acknowledged: each lease is committed by its
/// taker's acknowledgement, or returned (its items go back to the front of the queue) when its time ends.
/// </summary>
/// <remarks>
/// A manager commits a take when the taker's receipt arrives and returns it when the taker's
/// connection closes; a grain cannot see a process die, so time stands in for the closing.
/// Thread-safe: leases end on timer threads.
/// </remarks>
internal sealed class ItemLeaseTable(TimeSpan lease, TimeProvider clock) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (Lease Lease, long Session, ITimer Expiry)> _leases = [];
    // Random per activation: an acknowledgement sent to an earlier activation of the object (before a failover or a
    // reload) must not find, and commit, another taker's lease here.
    private long _lastId = Random.Shared.NextInt64(1, long.MaxValue / 2);

    /// <summary>Holds <paramref name="taken"/> until acknowledged, expired, or its taker's session ends.</summary>
    /// <remarks>The lease's time starts with <see cref="StartClock"/>, once the take's reply can leave.</remarks>
    /// <param name="taken">What a take handed over.</param>
    /// <param name="session">The taker's session.</param>
    /// <returns>The lease id the taker acknowledges.</returns>
    public long Add(Lease taken, long session)
    {
        lock (_lock)
        {
            long id = ++_lastId;
            ITimer expiry = clock.CreateTimer(
                static state =>
                {
                    (ItemLeaseTable table, long leaseId) = ((ItemLeaseTable, long))state!;
                    table.Settle(leaseId)?.Return();
                },
                (this, id),
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            _leases[id] = (taken, session, expiry);
            return id;
        }
    }

    /// <summary>
    /// Starts a lease's time: after the write that holds the take (a reply waits for it), so a slow write does not eat
    /// into the taker's time to acknowledge (with a write slower than the lease, the items came back before the
    /// taker had them, and were delivered twice).
    /// </summary>
    /// <param name="leaseId">The lease; 0 (no take) or a lease already settled is ignored.</param>
    public void StartClock(long leaseId)
    {
        lock (_lock)
        {
            if (_leases.TryGetValue(leaseId, out (Lease Lease, long Session, ITimer Expiry) entry))
            {
                entry.Expiry.Change(lease, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Commits a lease: its items are the taker's.</summary>
    /// <exception cref="KeyNotFoundException">No such lease: acknowledged already, or it ended and its items went back to the queue.</exception>
    public void Acknowledge(long leaseId)
    {
        Lease acknowledged = Settle(leaseId) ?? throw new KeyNotFoundException(
            $"No queue lease {leaseId}: it was acknowledged already, or it ended and its items went back to the queue (delivery is at-least-once).");
        acknowledged.Commit();
    }

    /// <summary>Returns the items of every open lease of <paramref name="session"/> to the queue at once (its client closed: it will acknowledge nothing more).</summary>
    public void ReturnSession(long session)
    {
        var open = new List<(Lease Lease, long Session, ITimer Expiry)>();
        lock (_lock)
        {
            foreach (long id in _leases.Keys.ToArray())
            {
                if (_leases[id].Session == session && _leases.Remove(id, out (Lease Lease, long Session, ITimer Expiry) entry))
                {
                    open.Add(entry);
                }
            }
        }

        Return([.. open]);
    }

    /// <summary>Returns every open lease's items to the queue (the object is being dropped).</summary>
    public void Dispose()
    {
        (Lease Lease, long Session, ITimer Expiry)[] open;
        lock (_lock)
        {
            open = [.. _leases.Values];
            _leases.Clear();
        }

        Return(open);
    }

    // Outside the lock: a return takes the queue's lock.
    private static void Return((Lease Lease, long Session, ITimer Expiry)[] open)
    {
        foreach ((Lease taken, _, ITimer expiry) in open)
        {
            expiry.Dispose();
            taken.Return();
        }
    }

    private Lease? Settle(long leaseId)
    {
        lock (_lock)
        {
            if (!_leases.Remove(leaseId, out (Lease Lease, long Session, ITimer Expiry) entry))
            {
                return null;
            }

            entry.Expiry.Dispose();
            return entry.Lease;
        }
    }
}
