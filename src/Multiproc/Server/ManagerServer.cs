using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Server.Dispatch;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// The native-protocol front end of a manager: accepts connections on its address, authenticates
/// them, and opens a <see cref="ServerConnection"/> session for each on the <see cref="ObjectHost"/>.
/// </summary>
/// <remarks>
/// One dedicated thread accepts connections and runs their handshakes (<see cref="ConnectionAcceptor"/>).
/// Each authenticated connection gets a reader thread; calls run inline there, on server threads
/// (<see cref="ServerScheduler"/>) or, for a user's methods not known to be short, on the thread pool. Shutdown
/// closes every connection (their callers get <see cref="ManagerUnavailableException"/>), disposes
/// the objects the manager created and removes the socket file.
/// </remarks>
internal sealed partial class ManagerServer : IAsyncDisposable
{
    private readonly SocketListener _listener;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConnectionAcceptor _acceptor;
    private readonly List<IAsyncDisposable> _frontEnds = [];
    private int _disposed;

    private ManagerServer(ManagerSettings settings, SocketListener listener)
    {
        _listener = listener;
        Host = new ObjectHost(settings);
        Watchdog = new InlineWatchdog(() => Connections);
        _acceptor = new ConnectionAcceptor(listener, settings, Host.ServerId, Host.Logger, OnAuthenticated);
    }

    /// <summary>Gets the objects, their dispatch and the sessions: the server seam this front end feeds.</summary>
    public ObjectHost Host { get; }

    public InlineWatchdog Watchdog { get; }

    /// <summary>Gets the open native connections (the watchdog's, and tests').</summary>
    internal IEnumerable<ServerConnection> Connections => Host.Sessions.OfType<ServerConnection>();

    public byte[] AuthKey => Host.Settings.AuthKey;

    public string Address => _listener.Address.Text;

    /// <summary>Gets the address of the Python-protocol front end the composition root attached, or null.</summary>
    public string? PythonAddress { get; private set; }

    /// <summary>Attaches another front end on the same host (the Python listener): it stops before the host does.</summary>
    public void AttachFrontEnd(IAsyncDisposable frontEnd, string? pythonAddress)
    {
        _frontEnds.Add(frontEnd);
        PythonAddress ??= pythonAddress;
    }

    /// <summary>Gets a task that completes when a client asks the manager to shut down (child-process hosting).</summary>
    public Task ShutdownRequested => Host.ShutdownRequested;

    /// <summary>Binds the address, starts accepting, and (once per process) sweeps dead managers' leftovers.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static ManagerServer Start(ManagerSettings settings)
    {
        settings.ValidateTls();
        LeftoverSweep.StartOnce();
        SocketListener listener = SocketListener.Bind(settings.Address is null ? null : ManagerAddress.Parse(settings.Address));
        var server = new ManagerServer(settings, listener);
        try
        {
            server._acceptor.Start();
        }
        catch
        {
            listener.Dispose();
            server.Watchdog.Dispose();
            // The host never served: it leaves the process's meter (ServerMetrics) at once.
            ServerMetrics.Forget(server.Host);
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _acceptor.Stop();
        await _acceptor.Completion.ConfigureAwait(false);
        foreach (IAsyncDisposable frontEnd in _frontEnds)
        {
            await frontEnd.DisposeAsync().ConfigureAwait(false);
        }

        await Host.DisposeAsync().ConfigureAwait(false);
        Watchdog.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Takes over an authenticated socket (on the accept thread): registers and starts its connection.</summary>
    private void OnAuthenticated(Socket socket, ConnectionSocket connectionSocket)
    {
        ServerConnection? connection = null;
        try
        {
            if (_shutdown.IsCancellationRequested)
            {
                connectionSocket.Dispose();
                return;
            }

            connection = new ServerConnection(this, socket, connectionSocket, Host.NextSessionId());
            if (!Host.TryAdd(connection) || _shutdown.IsCancellationRequested)
            {
                // Shutdown walked the connections before this one was added.
                connection.Close();
                return;
            }

            connection.Start();
        }
#pragma warning disable CA1031 // Out of threads or memory: this connection fails, the manager goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogConnectionStartFailed(Host.Logger, ex);
            if (connection is null)
            {
                connectionSocket.Dispose();
            }
            else
            {
                connection.Close();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "An authenticated connection could not be started; it was closed.")]
    private static partial void LogConnectionStartFailed(ILogger logger, Exception exception);
}
