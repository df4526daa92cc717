using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// Accepts connections and runs every handshake on one dedicated thread, with readiness polling:
/// a connection that has not authenticated holds no thread, and accepting never waits for the thread pool.
/// </summary>
/// <remarks>
/// <para>
/// Each turn polls the listener and every pending socket at once (<see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>),
/// accepts what is queued, and reads what has arrived: never more than a socket has available and
/// never past the 70-byte client hello, so a read cannot block and no frame byte is consumed. The
/// sockets stay blocking and never see an async operation (see docs/design-decisions.md), so an
/// authenticated socket is handed over in the fast blocking state.
/// </para>
/// <para>
/// Every handshake has one deadline, <see cref="ManagerSettings.HandshakeTimeout"/> from the accept
/// (measured with <see cref="ManagerSettings.TimeProvider"/>); at most
/// <see cref="ManagerSettings.MaxPendingHandshakes"/> are pending, and a new connection over the cap
/// closes the oldest. Any failure (including <see cref="OutOfMemoryException"/>, which is how the
/// socket layer reports the descriptor limit) closes one socket; a failing accept pauses accepting
/// briefly and drops the oldest pending handshake to free a descriptor. Nothing on this thread can
/// end the process or the loop; only <see cref="Stop"/> ends it.
/// </para>
/// <para>Over 300 lines on purpose: the accept loop, the handshake state of every pending socket and
/// the cap share one thread and one deadline order; split, the "oldest first" and "never blocks"
/// rules would be spread over files.</para>
/// </remarks>
internal sealed partial class ConnectionAcceptor
{
    private const int AcceptBurst = 64;
    // Bounds a handshake read or write on a blocking socket in case readiness was wrong; never reached in practice.
    private const int HandshakeIoTimeoutMilliseconds = 250;
    // Real time, not the settings' clock: a manual test clock must not stop the loop from noticing it moved.
    private const int ClockCheckMicroseconds = 250_000;
    private const int AcceptPauseMilliseconds = 50;

    private readonly SocketListener _listener;
    private readonly ManagerSettings _settings;
    private readonly Guid _serverId;
    private readonly ILogger _logger;
    private readonly Action<Socket, ConnectionSocket> _authenticated;
    private readonly TlsAdmission? _tls;
    private readonly LinkedList<PendingHandshake> _pending = new();
    private readonly Dictionary<Socket, LinkedListNode<PendingHandshake>> _bySocket = new(ReferenceEqualityComparer.Instance);
    private readonly List<Socket> _polled = [];
    private readonly object _pauseGate = new();
    // Continuations run on the exiting accept thread: shutdown must not wait for a thread-pool thread.
    private readonly TaskCompletionSource _completion = new();
    private long _acceptPausedUntil;
    private volatile bool _stopping;

    /// <param name="listener">The listener; <see cref="Stop"/> disposes it.</param>
    /// <param name="settings">The handshake timeout, cap, clock and key.</param>
    /// <param name="serverId">The id sent in the server hello.</param>
    /// <param name="logger">Where failures are reported.</param>
    /// <param name="authenticated">
    /// Takes over an authenticated socket and the connection socket to drive it with; runs on the accept
    /// thread (or a TLS handshake's thread), so it must not block.
    /// </param>
    /// <remarks>A <c>tls://</c> listener hands every accepted socket to a <see cref="TlsAdmission"/> instead of the polling handshake.</remarks>
    public ConnectionAcceptor(SocketListener listener, ManagerSettings settings, Guid serverId, ILogger logger, Action<Socket, ConnectionSocket> authenticated)
    {
        _listener = listener;
        _settings = settings;
        _serverId = serverId;
        _logger = logger;
        _authenticated = authenticated;
        _tls = listener.Address.IsTls ? new TlsAdmission(settings, serverId, logger, authenticated) : null;
    }

    /// <summary>Gets a task that completes when the accept thread has exited and closed every pending socket.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Starts the accept thread.</summary>
    /// <exception cref="OutOfMemoryException">The thread could not be created.</exception>
    public void Start() => new Thread(Run) { IsBackground = true, Name = "multiproc-accept" }.Start();

    /// <summary>Stops accepting: closes the listener, which wakes the thread; pending handshakes are closed as it exits.</summary>
    public void Stop()
    {
        lock (_pauseGate)
        {
            _stopping = true;
            Monitor.PulseAll(_pauseGate);
        }

        _listener.Dispose();
        _tls?.Stop();
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                try
                {
                    Turn();
                }
#pragma warning disable CA1031 // The loop must outlive any one failure: each is logged and the loop goes on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (_stopping)
                    {
                        break;
                    }

                    LogLoopFailed(_logger, ex);
                    PauseAccepting();
                }
            }
        }
        finally
        {
            foreach (PendingHandshake pending in _pending)
            {
                pending.Socket.Dispose();
            }

            _pending.Clear();
            _bySocket.Clear();
            _completion.TrySetResult();
        }
    }

    private void Turn()
    {
        DropExpired();
        _polled.Clear();
        long pausedFor = Volatile.Read(ref _acceptPausedUntil) - Environment.TickCount64;
        if (pausedFor <= 0)
        {
            _polled.Add(_listener.Socket);
        }

        foreach (PendingHandshake pending in _pending)
        {
            _polled.Add(pending.Socket);
        }

        if (_polled.Count == 0)
        {
            lock (_pauseGate)
            {
                if (!_stopping)
                {
                    Monitor.Wait(_pauseGate, (int)pausedFor);
                }
            }

            return;
        }

        Socket.Select(_polled, null, null, PollTimeoutMicroseconds(pausedFor));
        bool acceptable = false;
        foreach (Socket ready in _polled)
        {
            if (ready == _listener.Socket)
            {
                acceptable = true;
            }
            else if (_bySocket.TryGetValue(ready, out LinkedListNode<PendingHandshake>? node))
            {
                Receive(node.Value);
            }
        }

        // Reads first: a client whose hello has arrived finishes before new arrivals can push it out over the cap.
        if (acceptable)
        {
            AcceptQueued();
        }
    }

    /// <summary>Until the oldest handshake's deadline (checked against real time at least every 250 ms), the end of an accept pause, or forever when idle.</summary>
    private int PollTimeoutMicroseconds(long pausedForMilliseconds)
    {
        long timeout = pausedForMilliseconds > 0 ? pausedForMilliseconds * 1000 : -1;
        if (_pending.First is { } oldest)
        {
            TimeSpan left = _settings.HandshakeTimeout - _settings.TimeProvider.GetElapsedTime(oldest.Value.AcceptedAt);
            long leftMicroseconds = Math.Clamp((long)Math.Ceiling(left.TotalMicroseconds), 0, ClockCheckMicroseconds);
            timeout = timeout < 0 ? leftMicroseconds : Math.Min(timeout, leftMicroseconds);
        }

        return (int)timeout;
    }

    private void AcceptQueued()
    {
        for (int i = 0; i < AcceptBurst && !_stopping; i++)
        {
            if (i > 0 && !_listener.Socket.Poll(0, SelectMode.SelectRead))
            {
                return;
            }

            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
#pragma warning disable CA1031 // EMFILE arrives as SocketException or OutOfMemoryException; either way the loop goes on.
            catch (Exception ex) when (!_stopping)
#pragma warning restore CA1031
            {
                LogAcceptFailed(_logger, ex);
                // Likely out of descriptors: free one (the oldest stranger) and let the backlog wait.
                DropOldest();
                PauseAccepting();
                return;
            }

            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        if (_tls is not null)
        {
            _tls.Admit(socket);
            return;
        }

        try
        {
            while (_pending.Count >= _settings.MaxPendingHandshakes)
            {
                DropOldest();
            }

            socket.ReceiveTimeout = HandshakeIoTimeoutMilliseconds;
            socket.SendTimeout = HandshakeIoTimeoutMilliseconds;
            var handshake = new ServerHandshake(_settings.AuthKey, _serverId);
            // The deadline starts before the hello leaves: a peer that answers at once must never see its clock start later.
            var pending = new PendingHandshake(socket, handshake, _settings.TimeProvider.GetTimestamp());
            // 54 bytes into a fresh socket's empty send buffer: the blocking send returns at once.
            SendAll(socket, handshake.Hello);
            _bySocket[socket] = _pending.AddLast(pending);
        }
#pragma warning disable CA1031 // A failure to start one handshake closes that socket only.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandshakeFailed(_logger, ex.Message);
            socket.Dispose();
        }
    }

    private void Receive(PendingHandshake pending)
    {
        Socket socket = pending.Socket;
        try
        {
            ServerHandshake handshake = pending.Handshake;
            // Readable with nothing available means end of stream or an error: the 1-byte read returns at once either way.
            int wanted = Math.Clamp(socket.Available, 1, handshake.Missing);
            int received = socket.Receive(handshake.Unfilled[..wanted], SocketFlags.None);
            if (received == 0)
            {
                Drop(pending, "closed by the peer", metricReason: null);
                return;
            }

            handshake.Advance(received);
            if (handshake.ForeignReason is { } foreign)
            {
                Drop(pending, foreign, DropReasons.NotAClient);
                return;
            }

            if (!handshake.IsComplete)
            {
                return;
            }

            Remove(pending);
            byte[]? answer = handshake.Verify(out bool accepted);
            if (answer is not null)
            {
                SendAll(socket, answer);
            }

            if (!accepted)
            {
                LogRejected(_logger);
                ServerMetrics.CountDropped(DropReasons.AuthenticationFailed);
                socket.Dispose();
                return;
            }

            socket.ReceiveTimeout = 0;
            socket.SendTimeout = 0;
            _authenticated(socket, new NetConnectionSocket(socket));
        }
#pragma warning disable CA1031 // A failure in one handshake closes that socket only.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandshakeFailed(_logger, ex.Message);
            ServerMetrics.CountDropped(DropReasons.HandshakeFailed);
            Remove(pending);
            socket.Dispose();
        }
    }

    private void DropExpired()
    {
        // Accepted in order with one timeout, so the expired handshakes are the oldest ones.
        while (_pending.First is { } oldest
            && _settings.TimeProvider.GetElapsedTime(oldest.Value.AcceptedAt) >= _settings.HandshakeTimeout)
        {
            Drop(oldest.Value, "the handshake deadline passed", DropReasons.HandshakeTimeout);
        }
    }

    private void DropOldest()
    {
        if (_pending.First is { } oldest)
        {
            Drop(oldest.Value, "more connections were waiting to authenticate than MaxPendingHandshakes", DropReasons.HandshakeLimit);
        }
    }

    /// <param name="pending">The handshake to end.</param>
    /// <param name="reason">What the log says.</param>
    /// <param name="metricReason">The drop's <see cref="DropReasons"/> value; null when the peer left on its own (not a drop).</param>
    private void Drop(PendingHandshake pending, string reason, string? metricReason)
    {
        Remove(pending);
        pending.Socket.Dispose();
        LogDropped(_logger, reason);
        if (metricReason is not null)
        {
            ServerMetrics.CountDropped(metricReason);
        }
    }

    private void Remove(PendingHandshake pending)
    {
        if (_bySocket.Remove(pending.Socket, out LinkedListNode<PendingHandshake>? node))
        {
            _pending.Remove(node);
        }
    }

    private void PauseAccepting() => Volatile.Write(ref _acceptPausedUntil, Environment.TickCount64 + AcceptPauseMilliseconds);

    private static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[socket.Send(data, SocketFlags.None)..];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a connection failed; accepting pauses briefly.")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The accept loop failed; it goes on after a short pause.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handshake failed: {Reason}.")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An unauthenticated connection was closed: {Reason}.")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A connection was rejected during authentication.")]
    private static partial void LogRejected(ILogger logger);
}
