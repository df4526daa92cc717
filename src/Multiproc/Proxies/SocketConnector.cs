using System.Net.Sockets;
using System.Security.Authentication;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>Opens client sockets to a manager address and authenticates them, within one deadline.</summary>
internal static class SocketConnector
{
    /// <summary>Connects a blocking socket (no handshake).</summary>
    /// <exception cref="ManagerUnavailableException">Nothing listens at the address, or nothing answered within <paramref name="timeout"/>.</exception>
    public static async Task<Socket> ConnectAsync(ManagerAddress address, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        (ConnectionSocket socket, _) = await ConnectCoreAsync(address, null, ConnectSettings.Default with { ConnectTimeout = timeout ?? ConnectSettings.Default.ConnectTimeout }, raw: false, cancellationToken).ConfigureAwait(false);
        return ((NetConnectionSocket)socket).Socket;
    }

    /// <summary>Connects and runs the client side of the handshake; returns the socket and the server's id.</summary>
    /// <exception cref="ManagerUnavailableException">Nothing listens, the manager closed the connection, or nothing answered within the connect timeout.</exception>
    /// <exception cref="AuthenticationException">The key is wrong, or (<c>tls://</c>) the TLS handshake failed: the certificate was refused or the peer does not speak TLS.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a manager of this protocol version.</exception>
    /// <remarks>
    /// A Unix-socket connection on Linux is a <see cref="RawUnixSocket"/>, a <c>tls://</c> one a
    /// <see cref="TlsConnectionSocket"/> (<see cref="TlsClient"/>), anything else a <see cref="NetConnectionSocket"/>.
    /// </remarks>
    public static async Task<(ConnectionSocket Socket, Guid ServerId)> ConnectAndAuthenticateAsync(ManagerAddress address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        (ConnectionSocket socket, Guid? serverId) = await ConnectCoreAsync(address, authKey, settings, raw: true, cancellationToken).ConfigureAwait(false);
        return (socket, serverId!.Value);
    }

    /// <summary>
    /// Connects to a Unix-socket address and runs the handshake on the calling thread, which blocks:
    /// for a worker adopting its proxies, whose thread waits anyway. No thread, task or timer is
    /// started, which is most of what a first connect costs a new process (docs/performance.md).
    /// </summary>
    /// <remarks>The connect (which waits only while the manager's listen backlog is full) and the handshake's reads and writes each time out after the connect timeout.</remarks>
    /// <inheritdoc cref="ConnectAndAuthenticateAsync" path="/exception"/>
    /// <exception cref="ArgumentException">The address is not a Unix socket.</exception>
    public static (ConnectionSocket Socket, Guid ServerId) ConnectAndAuthenticateInline(ManagerAddress address, ReadOnlyMemory<byte> authKey, ConnectSettings settings)
    {
        if (!address.IsUnix)
        {
            throw new ArgumentException("Only a Unix-socket address connects inline.", nameof(address));
        }

        ConnectionSocket socket = CreateSocket(address, raw: true);
        try
        {
            Guid? serverId = ConnectBlocking(ref socket, address, authKey, settings);
            return (socket, serverId!.Value);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            Exception translated = Translate(ex, address, settings.ConnectTimeout);
            if (translated == ex)
            {
                throw;
            }

            throw translated;
        }
    }

    private static async Task<(ConnectionSocket Socket, Guid? ServerId)> ConnectCoreAsync(
        ManagerAddress address, ReadOnlyMemory<byte>? authKey, ConnectSettings settings, bool raw, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan timeout = settings.ConnectTimeout;
        ConnectionSocket socket = CreateSocket(address, raw);
        // Blocking connect and handshake on a thread of their own: an async operation would leave the
        // socket non-blocking for good (every later blocking receive emulated, see Handshake), and a
        // pool thread may not be free when callers block the pool.
        Task<(ConnectionSocket, Guid?)> attempt = DedicatedThread.Run<(ConnectionSocket, Guid?)>(
            () =>
            {
                ConnectionSocket connected = socket;
                Guid? id = ConnectBlocking(ref connected, address, authKey, settings);
                return (connected, id);
            },
            "multiproc-connect");
        try
        {
            (ConnectionSocket connected, Guid? serverId) = await attempt.WaitAsync(timeout, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
            return (connected, serverId);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            Exception translated = Translate(ex, address, timeout);
            if (translated == ex)
            {
                throw;
            }

            throw translated;
        }
    }

    /// <summary>A Unix-socket connection on Linux is raw when <paramref name="raw"/> (docs/performance.md); the rest use <see cref="Socket"/>.</summary>
    private static ConnectionSocket CreateSocket(ManagerAddress address, bool raw)
        => raw && address.IsUnix && RawUnixSocket.IsSupported ? RawUnixSocket.Create() : new NetConnectionSocket(address.CreateSocket());

    /// <summary>Connects, wraps the socket in TLS for a <c>tls://</c> address (replacing <paramref name="socket"/>), and runs the key handshake when there is a key.</summary>
    private static Guid? ConnectBlocking(ref ConnectionSocket socket, ManagerAddress address, ReadOnlyMemory<byte>? authKey, ConnectSettings settings)
    {
        int timeoutMilliseconds = TimeoutMilliseconds(settings.ConnectTimeout);
        if (socket is RawUnixSocket raw)
        {
            // A Unix connect waits while the manager's backlog is full: the send timeout bounds that wait.
            raw.SendTimeout = timeoutMilliseconds;
            raw.Connect(address.UnixPath!);
        }
        else
        {
            Socket net = ((NetConnectionSocket)socket).Socket;
            net.Connect(address.CreateEndPoint());
            if (!address.IsUnix)
            {
                net.NoDelay = true;
            }

            if (address.IsTls && authKey is not null)
            {
                net.ReceiveTimeout = timeoutMilliseconds;
                net.SendTimeout = timeoutMilliseconds;
                socket = TlsClient.Authenticate(net, address, settings);
            }
        }

        if (authKey is not { } key)
        {
            return null;
        }

        socket.ReceiveTimeout = timeoutMilliseconds;
        socket.SendTimeout = timeoutMilliseconds;
        Guid id = Handshake.Connect(socket, key.Span);
        socket.ReceiveTimeout = 0;
        socket.SendTimeout = 0;
        return id;
    }

    private static int TimeoutMilliseconds(TimeSpan timeout) => (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));

    /// <summary>The exception a failed connect reports: <see cref="ManagerUnavailableException"/> for anything the network did, the rest as it was.</summary>
    private static Exception Translate(Exception ex, ManagerAddress address, TimeSpan timeout) => ex switch
    {
        TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock }
            or IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } }
            => new ManagerUnavailableException($"The manager at {address} did not answer within {timeout.TotalSeconds:0.###} s.", ex),
        SocketException socketError => new ManagerUnavailableException($"Cannot connect to the manager at {address}: {socketError.SocketErrorCode}.", ex),
        EndOfStreamException or IOException => new ManagerUnavailableException($"The manager at {address} closed the connection during the handshake.", ex),
        _ => ex,
    };
}
