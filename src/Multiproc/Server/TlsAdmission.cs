using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>
/// Admits the connections of a <c>tls://</c> manager: the TLS handshake, then the key handshake
/// inside TLS, each connection on a short-lived thread of its own, under the same deadline and cap
/// as the plain handshakes of <see cref="ConnectionAcceptor"/>.
/// </summary>
/// <remarks>
/// <para>Why a thread per handshake, unlike the plain path's one polling thread: a TLS handshake is
/// several round trips of records whose lengths only the TLS library knows, so it cannot be driven
/// by readiness polling over a blocking socket; and an async handshake would leave the socket
/// non-blocking for good, slowing every later call (docs/design-decisions.md). The threads are
/// bounded: at most <see cref="ManagerSettings.MaxPendingHandshakes"/> handshakes run, a new one over
/// the cap aborts the oldest, and each is aborted (its socket closed, which ends its blocking reads)
/// when <see cref="ManagerSettings.HandshakeTimeout"/> has passed since the accept.</para>
/// <para>Nothing here can end the process: any failure closes one socket.</para>
/// </remarks>
internal sealed partial class TlsAdmission
{
    private readonly ManagerSettings _settings;
    private readonly Guid _serverId;
    private readonly ILogger _logger;
    private readonly Action<Socket, ConnectionSocket> _authenticated;
    private readonly LinkedList<Attempt> _pending = new();
    private readonly Lock _lock = new();
    private readonly Transport.CertificatePin? _ownPin;
    private readonly SslStreamCertificateContext? _certificateContext;
    private bool _stopped;

    /// <param name="settings">The certificate, client-certificate check, key, deadline, cap and clock.</param>
    /// <param name="serverId">The id sent in the server hello.</param>
    /// <param name="logger">Where failures are reported.</param>
    /// <param name="authenticated">Takes over an authenticated connection; runs on the handshake's thread.</param>
    public TlsAdmission(ManagerSettings settings, Guid serverId, ILogger logger, Action<Socket, ConnectionSocket> authenticated)
    {
        _settings = settings;
        _serverId = serverId;
        _logger = logger;
        _authenticated = authenticated;
        _ownPin = settings.ServerCertificate is { } certificate ? Transport.CertificatePin.Of(certificate) : null;
        // Built once, offline: the handshake sends the chain the manager has and never fetches one.
        _certificateContext = settings.ServerCertificate is { } own ? SslStreamCertificateContext.Create(own, additionalCertificates: null, offline: true) : null;
    }


    /// <summary>Starts the handshakes of an accepted socket; returns at once (called on the accept thread).</summary>
    public void Admit(Socket socket)
    {
        var attempt = new Attempt(socket);
        lock (_lock)
        {
            if (_stopped)
            {
                socket.Dispose();
                return;
            }

            while (_pending.Count >= _settings.MaxPendingHandshakes)
            {
                Abort(_pending.First!.Value, DropReasons.HandshakeLimit, "more connections were waiting to authenticate than MaxPendingHandshakes");
            }

            attempt.Node = _pending.AddLast(attempt);
        }

        try
        {
            ITimer deadline = _settings.TimeProvider.CreateTimer(
                static state =>
                {
                    (TlsAdmission admission, Attempt expired) = ((TlsAdmission, Attempt))state!;
                    admission.Expire(expired);
                },
                (this, attempt), _settings.HandshakeTimeout, Timeout.InfiniteTimeSpan);
            bool pending;
            lock (_lock)
            {
                attempt.Deadline = deadline;
                pending = attempt.Node.List is not null;
            }

            if (!pending)
            {
                // Stop or the cap closed it before its timer existed: nobody else will dispose the timer.
                deadline.Dispose();
                return;
            }

            new Thread(() => Run(attempt)) { IsBackground = true, Name = "multiproc-tls-handshake" }.Start();
        }
#pragma warning disable CA1031 // Out of threads or memory: this connection fails, the manager goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandshakeFailed(_logger, ex.Message);
            Abort(attempt, DropReasons.HandshakeFailed, ex.Message);
        }
    }

    /// <summary>Aborts every handshake in progress; later arrivals are closed at once.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            while (_pending.First is { } first)
            {
                Abort(first.Value, metricReason: null, "the manager is stopping");
            }
        }
    }

    private void Run(Attempt attempt)
    {
        Socket socket = attempt.Socket;
        SslStream? stream = null;
        bool handedOver = false;
        try
        {
            // Bounds each blocking read and write too, in case the deadline's timer runs late.
            int ioTimeout = (int)Math.Min(int.MaxValue, Math.Ceiling(_settings.HandshakeTimeout.TotalMilliseconds));
            socket.ReceiveTimeout = ioTimeout;
            socket.SendTimeout = ioTimeout;
            stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            stream.AuthenticateAsServer(ServerOptions());
            var connection = new TlsConnectionSocket(socket, stream);
            if (!KeyHandshake(connection))
            {
                Abort(attempt, DropReasons.AuthenticationFailed, "the client did not prove it holds the key");
                LogRejected(_logger);
                return;
            }

            if (!Complete(attempt))
            {
                // The deadline or the cap closed it while the last bytes were arriving.
                return;
            }

            socket.ReceiveTimeout = 0;
            socket.SendTimeout = 0;
            handedOver = true;
            _authenticated(socket, connection);
        }
        catch (AuthenticationException ex)
        {
            Fail(attempt, stream, DropReasons.TlsFailed, ex);
        }
        catch (ProtocolViolationException ex)
        {
            Fail(attempt, stream, DropReasons.NotAClient, ex);
        }
#pragma warning disable CA1031 // A failure in one handshake closes that socket only.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fail(attempt, stream, DropReasons.HandshakeFailed, ex);
        }
        finally
        {
            if (!handedOver)
            {
                // Its native TLS state and buffers go now, not at finalization (a wrong key can be retried at will).
                stream?.Dispose();
            }
        }
    }

    private SslServerAuthenticationOptions ServerOptions()
    {
        RemoteCertificateValidationCallback? check = _settings.ClientCertificateValidation;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificateContext,
            ClientCertificateRequired = check is not null,
            // A client certificate's chain never reaches the network (see OfflineChainPolicy).
            CertificateChainPolicy = Transport.OfflineChainPolicy.Create(),
            // Without a check of its own, the manager asks for no certificate: the key admits. With one,
            // the owner's own connection presents the manager's certificate (ManagerHost.OwnerConnectSettings),
            // admitted by its pin: TLS proves the client holds that certificate's private key.
            RemoteCertificateValidationCallback = check is null ? null : (sender, certificate, chain, errors)
                => _ownPin!.Matches(certificate) || check(sender, certificate, chain, errors),
        };
    }

    /// <summary>The key handshake of the plain path (<see cref="ServerHandshake"/>), driven with blocking reads inside TLS.</summary>
    /// <returns>Whether the client proved it holds the key.</returns>
    /// <exception cref="ProtocolViolationException">The peer inside TLS is not a client of this protocol.</exception>
    private bool KeyHandshake(TlsConnectionSocket connection)
    {
        var handshake = new ServerHandshake(_settings.AuthKey, _serverId);
        connection.Send(handshake.Hello);
        while (!handshake.IsComplete)
        {
            int received = connection.Receive(handshake.Unfilled);
            if (received == 0)
            {
                throw new EndOfStreamException("The client closed the connection during the key handshake.");
            }

            handshake.Advance(received);
            if (handshake.ForeignReason is { } foreign)
            {
                throw new ProtocolViolationException(foreign);
            }
        }

        byte[]? answer = handshake.Verify(out bool accepted);
        if (answer is null)
        {
            throw new ProtocolViolationException("the client speaks another protocol version");
        }

        connection.Send(answer);
        return accepted;
    }

    private void Expire(Attempt attempt) => Abort(attempt, DropReasons.HandshakeTimeout, "the handshake deadline passed");

    /// <summary>Takes the attempt out of the pending list for good; false when it was already aborted.</summary>
    private bool Complete(Attempt attempt)
    {
        ITimer? deadline;
        lock (_lock)
        {
            if (attempt.Node?.List is null)
            {
                return false;
            }

            _pending.Remove(attempt.Node);
            deadline = attempt.Deadline;
        }

        deadline?.Dispose();
        return true;
    }

    /// <summary>Closes an attempt still pending (once: a later abort or failure of the same attempt does nothing).</summary>
    private void Abort(Attempt attempt, string? metricReason, string reason)
    {
        ITimer? deadline;
        lock (_lock)
        {
            if (attempt.Node is not { List: not null } node)
            {
                return;
            }

            _pending.Remove(node);
            deadline = attempt.Deadline;
        }

        deadline?.Dispose();
        attempt.Socket.Dispose();
        LogDropped(_logger, reason);
        if (metricReason is not null)
        {
            ServerMetrics.CountDropped(metricReason);
        }
    }

    private void Fail(Attempt attempt, SslStream? stream, string metricReason, Exception ex)
    {
        bool wasPending;
        lock (_lock)
        {
            wasPending = attempt.Node is { List: not null };
        }

        stream?.Dispose();
        if (wasPending)
        {
            LogHandshakeFailed(_logger, ex.Message);
            Abort(attempt, metricReason, ex.Message);
        }
    }

    /// <summary>One connection in its handshakes.</summary>
    private sealed class Attempt(Socket socket)
    {
        public Socket Socket { get; } = socket;

        /// <summary>Gets or sets its node in the pending list; a node in no list means it was completed or aborted.</summary>
        public LinkedListNode<Attempt>? Node { get; set; }

        public ITimer? Deadline { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS handshake failed: {Reason}.")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An unauthenticated TLS connection was closed: {Reason}.")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A TLS connection was rejected during authentication.")]
    private static partial void LogRejected(ILogger logger);
}
