namespace Multiproc.Server;

/// <summary>
/// The leases one connection's client has yet to acknowledge, by call id: committed by a Receipt,
/// returned by a Return, and every one still open returned when the connection closes.
/// </summary>
/// <remarks>
/// <para>Thread-safe. A lease leaves the table exactly once (receipt, return or close), and is
/// settled outside the table's lock, so a lease is never both committed and returned. Once closed
/// the table takes no lease: <see cref="TryAdd"/> refuses, and its caller returns the lease at once.</para>
/// <para>At close, leases are returned newest first: each goes back to the front of where it came
/// from, so items handed out in order end up in their original order.</para>
/// </remarks>
internal sealed class LeaseTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, (long Order, Lease Lease)> _open = [];
    private long _nextOrder;
    private bool _closed;

    /// <summary>Gets how many leases are waiting for the client's answer (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Records a lease whose reply is about to be sent.</summary>
    /// <returns>False when the connection has closed (or the id is taken): the caller returns the lease.</returns>
    public bool TryAdd(uint callId, Lease lease)
    {
        lock (_lock)
        {
            return !_closed && _open.TryAdd(callId, (_nextOrder++, lease));
        }
    }

    /// <summary>The client has the value: makes the lease final. Unknown ids are ignored.</summary>
    public void Commit(uint callId) => Take(callId)?.Commit();

    /// <summary>The client gave up on the call: gives the value back. Unknown ids are ignored.</summary>
    public void Return(uint callId) => Take(callId)?.Return();

    /// <summary>Closes the table and returns every open lease, newest first.</summary>
    public void ReturnAll()
    {
        (long Order, Lease Lease)[] open;
        lock (_lock)
        {
            _closed = true;
            open = [.. _open.Values];
            _open.Clear();
        }

        Array.Sort(open, static (a, b) => b.Order.CompareTo(a.Order));
        foreach ((_, Lease lease) in open)
        {
            lease.Return();
        }
    }

    private Lease? Take(uint callId)
    {
        lock (_lock)
        {
            return _open.Remove(callId, out (long Order, Lease Lease) entry) ? entry.Lease : null;
        }
    }
}
