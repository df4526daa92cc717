using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Multiproc.Python.Pickle;
using Multiproc.Python.Wire;
using Multiproc.Server;
using Multiproc.Transport;

namespace Multiproc.Python.Server;

/// <summary>
/// The Python-protocol front end of a manager (<c>ManagerOptions.ServePython</c>): its own listener, because both
/// protocols speak first, and a thread per connection, because a Python channel is one synchronous client thread.
/// </summary>
/// <remarks>
/// <para>Every connection is authenticated with the manager's key before a byte of pickle is read, within
/// <c>ManagerOptions.HandshakeTimeout</c>; at most <c>MaxPendingHandshakes</c> connections may be authenticating
/// at once: a newcomer beyond that closes the oldest (drop reason <c>handshake_limit</c>), so strangers that never
/// answer cannot keep real clients out for long. Stock clients open about three connections per <c>create</c>.</para>
/// <para>TCP_QUICKACK is armed through the handshake and before a connection's first request: without it each stock client's new connection stalls about
/// 40 ms (its challenge answer and request go out as two small segments behind Nagle).</para>
/// </remarks>
internal sealed partial class PythonListener : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly PythonContext _context;
    private readonly Lock _pendingLock = new();
    // Oldest first: when the cap is reached the oldest stranger goes, so strangers cannot keep real clients out.
    private readonly List<Socket> _pending = [];
    private readonly Thread _acceptThread;
    private readonly PythonConnectionThreads _threads;
    private int _disposed;

    private PythonListener(SocketListener listener, PythonContext context)
    {
        _listener = listener;
        _context = context;
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "multiproc-python-accept" };
        _threads = new PythonConnectionThreads(Run);
    }

    /// <summary>Gets the address Python clients connect to: <c>tcp://host:port</c> (the real port) or <c>unix:/path</c>.</summary>
    public string Address => _listener.Address.Text;

    /// <summary>Binds the address and starts accepting.</summary>
    /// <exception cref="ArgumentException">The address is not <c>tcp://</c> or <c>unix:</c>, or a registered class has two members under one Python name.</exception>
    /// <exception cref="FormatException">The address is malformed.</exception>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static PythonListener Start(ObjectHost host, PythonServeOptions options)
    {
        ManagerAddress address = ManagerAddress.Parse(options.Address);
        if (address.IsTls)
        {
            throw new ArgumentException($"Python clients cannot speak TLS to a manager: serve them on tcp:// or unix:, not {options.Address}.");
        }

        var context = new PythonContext(host, options);
        SocketListener listener = SocketListener.Bind(address);
        context.TokenAddress = listener.Address.IsUnix ? listener.Address.UnixPath : new PyTuple(listener.Address.Host, (long)listener.Address.Port);
        if (!host.TryAdd(context.References))
        {
            listener.Dispose();
            throw new ObjectDisposedException(nameof(ObjectHost), "The manager is shutting down.");
        }

        var python = new PythonListener(listener, context);
        python._acceptThread.Start();
        return python;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _listener.Dispose();
        lock (_pendingLock)
        {
            foreach (Socket socket in _pending)
            {
                socket.Dispose();
            }

            _pending.Clear();
        }

        foreach (PythonServerConnection connection in _context.Host.Sessions.OfType<PythonServerConnection>())
        {
            connection.Close();
        }

        _context.References.Close();
        return ValueTask.CompletedTask;
    }

    private void AcceptLoop()
    {
        while (Volatile.Read(ref _disposed) == 0)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                LogAcceptFailed(_context.Host.Logger, ex.Message);
                continue;
            }

            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        Socket? oldest = null;
        lock (_pendingLock)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                socket.Dispose();
                return;
            }

            if (_pending.Count >= _context.Host.Settings.MaxPendingHandshakes)
            {
                // As the native listener does: the oldest unauthenticated connection makes room for the newest.
                oldest = _pending[0];
                _pending.RemoveAt(0);
            }

            _pending.Add(socket);
        }

        if (oldest is not null)
        {
            ServerMetrics.CountDropped(DropReasons.HandshakeLimit);
            oldest.Dispose();
        }

        try
        {
            _threads.Run(socket);
        }
#pragma warning disable CA1031 // Out of threads: this connection fails, the listener goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAcceptFailed(_context.Host.Logger, ex.Message);
            Forget(socket);
            socket.Dispose();
        }
    }

    /// <summary>Authenticates one connection, then serves it (on its own thread).</summary>
    private void Run(Socket socket)
    {
        bool authenticated = false;
        try
        {
            var handshake = new PythonServerHandshake(_context.Host.Settings.AuthKey, _context.Options.RequireSha256);
            PythonHandshakeRunner.Run(socket, handshake, _context.Host.Settings.HandshakeTimeout,
                quickAck: socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
            authenticated = true;
        }
        catch (Exception ex) when (ex is AuthenticationException or ProtocolViolationException or EndOfStreamException or TimeoutException or SocketException or ObjectDisposedException)
        {
            if (IsPending(socket))
            {
                // Not evicted to make room (counted as handshake_limit) nor closed by shutdown: its own failure.
                CountHandshakeDrop(ex);
            }

            LogHandshakeFailed(_context.Host.Logger, ex.Message);
        }
        finally
        {
            if (!Forget(socket) || !authenticated)
            {
                socket.Dispose();
            }
        }

        if (!authenticated || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var connection = new PythonServerConnection(_context, socket);
        if (!_context.Host.TryAdd(connection) || Volatile.Read(ref _disposed) != 0)
        {
            connection.Close();
            return;
        }

        connection.Serve();
    }

    private static void CountHandshakeDrop(Exception failure) => ServerMetrics.CountDropped(failure switch
    {
        AuthenticationException => DropReasons.AuthenticationFailed,
        ProtocolViolationException => DropReasons.NotAClient,
        TimeoutException => DropReasons.HandshakeTimeout,
        _ => DropReasons.HandshakeFailed,
    });

    private bool IsPending(Socket socket)
    {
        lock (_pendingLock)
        {
            return _pending.Contains(socket);
        }
    }

    /// <summary>Takes a socket off the pending list; false when shutdown already took (and closed) it.</summary>
    private bool Forget(Socket socket)
    {
        lock (_pendingLock)
        {
            return _pending.Remove(socket);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Python listener could not accept a connection: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A Python client failed its handshake: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);
}
