using Multiproc.Server;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The sessions one waiting built-in has heard from, each with a lease: a session not heard of for the
/// lease period is treated as a closed connection (its token is cancelled), so the server class gives
/// back what it held and drops its waits, as a manager does when a process dies.
/// </summary>
/// <remarks>
/// <para>A call in progress holds its session open (a wait may outlast the lease; it ends with its
/// slice); the lease runs from the end of the session's last call or renewal.</para>
/// <para>A session that is heard of again after its lease ended starts a new one (it holds nothing by
/// then). Thread-safe: leases end on timer threads.</para>
/// </remarks>
internal sealed class SessionTable(TimeSpan lease) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Session> _sessions = [];
    private bool _disposed;

    /// <summary>Gets the lease period.</summary>
    public TimeSpan Lease => lease;

    /// <summary>Starts a call of <paramref name="session"/>: its lease is held open until <see cref="Exit"/>.</summary>
    /// <returns>The caller the server classes see.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="session"/> is 0: the call carries no session.</exception>
    public Caller Enter(long session)
    {
        lock (_lock)
        {
            Session entry = Find(session);
            entry.Calls++;
            entry.Source.CancelAfter(Timeout.InfiniteTimeSpan);
            return new Caller(session, entry.Source.Token);
        }
    }

    /// <summary>Ends a call <see cref="Enter"/> started: the lease runs again once no call of the session is left.</summary>
    public void Exit(Caller caller)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(caller.ConnectionId, out Session? entry) && entry.Source.Token == caller.Disconnected && --entry.Calls == 0)
            {
                entry.Source.CancelAfter(lease);
            }
        }
    }

    /// <summary>Starts a fresh lease for a session a restored object names as a holder (its clock starts now, on this activation).</summary>
    /// <returns>The caller the server classes watch for the session's end.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="session"/> is 0.</exception>
    public Caller Restore(long session)
    {
        lock (_lock)
        {
            return new Caller(session, Find(session).Source.Token);
        }
    }

    /// <summary>Extends the session's lease (starting one if needed).</summary>
    /// <exception cref="InvalidOperationException"><paramref name="session"/> is 0.</exception>
    public void Renew(long session)
    {
        lock (_lock)
        {
            Session entry = Find(session);
            if (entry.Calls == 0)
            {
                entry.Source.CancelAfter(lease);
            }
        }
    }

    /// <summary>Ends a session at once, as a closed connection (its client closed): what it held is given back, its waits end.</summary>
    public void End(long session)
    {
        Session? entry;
        lock (_lock)
        {
            _sessions.Remove(session, out entry);
        }

        // Outside the lock: the cancellation runs the server classes' closing handlers.
        entry?.Source.Cancel();
    }

    /// <summary>Ends every session (the object is gone).</summary>
    public void Dispose()
    {
        Session[] sessions;
        lock (_lock)
        {
            _disposed = true;
            sessions = [.. _sessions.Values];
            _sessions.Clear();
        }

        foreach (Session session in sessions)
        {
            session.Source.Dispose();
        }
    }

    /// <summary>Returns the session's live entry, starting one (under the lock).</summary>
    private Session Find(long session)
    {
        if (session == 0)
        {
            throw new InvalidOperationException("A call on a waiting built-in must carry its client's session (Multiproc's Orleans call channel sets it).");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sessions.TryGetValue(session, out Session? entry) || entry.Source.IsCancellationRequested)
        {
            entry = new Session();
            _sessions[session] = entry;
            entry.Source.Token.UnsafeRegister(
                static state =>
                {
                    (SessionTable table, long id, Session ended) = ((SessionTable, long, Session))state!;
                    table.Forget(id, ended);
                },
                (this, session, entry));
            entry.Source.CancelAfter(lease);
        }

        return entry;
    }

    private void Forget(long session, Session ended)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(session, out Session? current) && current == ended)
            {
                _sessions.Remove(session);
            }
        }
    }

    /// <summary>One session's lease (its token) and how many of its calls are in progress.</summary>
    private sealed class Session
    {
        public CancellationTokenSource Source { get; } = new();

        public int Calls { get; set; }
    }
}
