using Multiproc.Server;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The sessions one waiting built-in has heard from, each with a lease: a session not heard of for the
/// lease period is treated as a closed connection (its token is cancelled), so the server class gives
/// back what it held and drops its waits, as a manager does when a process dies.
/// </summary>
/// <remarks>
/// Any call or renewal from a session extends its lease. Thread-safe: leases end on timer threads.
/// A session that is heard of again after its lease ended starts a new one (it holds nothing by then).
/// </remarks>
internal sealed class SessionTable(TimeSpan lease) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, CancellationTokenSource> _sessions = [];
    private bool _disposed;

    /// <summary>Gets the lease period.</summary>
    public TimeSpan Lease => lease;

    /// <summary>Extends the session's lease (starting one if needed) and returns the caller the server classes see.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="session"/> is 0: the call carries no session.</exception>
    public Caller Touch(long session)
    {
        if (session == 0)
        {
            throw new InvalidOperationException("A call on a waiting built-in must carry its client's session (Multiproc's Orleans call channel sets it).");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue(session, out CancellationTokenSource? source) || source.IsCancellationRequested)
            {
                source = new CancellationTokenSource();
                _sessions[session] = source;
                source.Token.UnsafeRegister(
                    static state =>
                    {
                        (SessionTable table, long id, CancellationTokenSource ended) = ((SessionTable, long, CancellationTokenSource))state!;
                        table.Forget(id, ended);
                    },
                    (this, session, source));
            }

            source.CancelAfter(lease);
            return new Caller(session, source.Token);
        }
    }

    /// <summary>Ends every session (the object is gone).</summary>
    public void Dispose()
    {
        CancellationTokenSource[] sources;
        lock (_lock)
        {
            _disposed = true;
            sources = [.. _sessions.Values];
            _sessions.Clear();
        }

        foreach (CancellationTokenSource source in sources)
        {
            source.Dispose();
        }
    }

    private void Forget(long session, CancellationTokenSource ended)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(session, out CancellationTokenSource? current) && current == ended)
            {
                _sessions.Remove(session);
            }
        }
    }
}
