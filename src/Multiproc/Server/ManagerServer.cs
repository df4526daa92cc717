using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Multiproc.Server.Dispatch;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// The manager's server: accepts connections, authenticates them, and owns the object table.
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
    private readonly ConcurrentDictionary<long, ServerConnection> _connections = new();
    private readonly ConnectionAcceptor _acceptor;
    private readonly TaskCompletionSource _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextConnectionId;
    private long _calls;
    private long _errors;
    private int _disposed;

    private ManagerServer(ManagerSettings settings, SocketListener listener)
    {
        Settings = settings;
        _listener = listener;
        Logger = settings.LoggerFactory?.CreateLogger("Multiproc.Server") ?? NullLogger.Instance;
        Table = new ObjectTable(Logger);
        Clock = ServerClock.For(settings.TimeProvider);
        Handovers = new Handovers(Table, Clock);
        Registry = new TypeRegistry(settings.Registrations);
        Watchdog = new InlineWatchdog(() => _connections.Values);
        MemoryQuota = new SharedMemoryQuota(settings.MaxSharedMemoryBytes);
        _acceptor = new ConnectionAcceptor(listener, settings, ServerId, Logger, OnAuthenticated);
    }

    /// <summary>Gets the settings snapshot taken at start; the live options object is never read again.</summary>
    public ManagerSettings Settings { get; }

    public ILogger Logger { get; }

    /// <summary>Gets the clock for the server's timers: the configured one, whose timers fire on server threads when it is the system's.</summary>
    public TimeProvider Clock { get; }

    public ObjectTable Table { get; }

    public Handovers Handovers { get; }

    public TypeRegistry Registry { get; }

    public InlineWatchdog Watchdog { get; }

    /// <summary>Gets the budget that shared arrays created through this manager draw on.</summary>
    public SharedMemoryQuota MemoryQuota { get; }

    /// <summary>Gets the open connections (for tests).</summary>
    internal ICollection<ServerConnection> Connections => _connections.Values;

    public Guid ServerId { get; } = Guid.NewGuid();

    public byte[] AuthKey => Settings.AuthKey;

    public string Address => _listener.Address.Text;

    /// <summary>Gets how many leased results the manager's clients have yet to acknowledge (diagnostics and tests).</summary>
    public int OpenLeases => _connections.Values.Sum(connection => connection.Leases.Count);

    /// <summary>Binds the address, starts accepting, and (once per process) sweeps dead managers' leftovers.</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static ManagerServer Start(ManagerSettings settings)
    {
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
            throw;
        }

        return server;
    }

    /// <summary>Gets a task that completes when a client asks the manager to shut down (child-process hosting).</summary>
    public Task ShutdownRequested => _shutdownRequested.Task;

    public void RequestShutdown() => _shutdownRequested.TrySetResult();

    public void CountCall() => Interlocked.Increment(ref _calls);

    public void CountError() => Interlocked.Increment(ref _errors);

    public ManagerStats GetStats()
        => new(Table.Count, _connections.Count, Table.ReferenceCount, Table.PublishedCount,
            Interlocked.Read(ref _calls), Interlocked.Read(ref _errors), Table.CountByType());

    public void OnConnectionClosed(ServerConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        Handovers.ReleaseOwnedBy(connection.Id);
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
        foreach (ServerConnection connection in _connections.Values)
        {
            connection.Close();
        }

        Table.Clear();
        // Objects released by the closing connections are disposed on the pool; shutdown waits for them
        // (bounded, so a user's Dispose that hangs cannot hang the owner).
        try
        {
            await Table.WhenDisposalsDoneAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDisposalsSlow(Logger);
        }

        Watchdog.Dispose();
        _shutdown.Dispose();
    }

    /// <summary>Takes over an authenticated socket (on the accept thread): registers and starts its connection.</summary>
    private void OnAuthenticated(Socket socket)
    {
        ServerConnection? connection = null;
        try
        {
            if (_shutdown.IsCancellationRequested)
            {
                socket.Dispose();
                return;
            }

            connection = new ServerConnection(this, socket, Interlocked.Increment(ref _nextConnectionId));
            _connections[connection.Id] = connection;
            if (_shutdown.IsCancellationRequested)
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
            LogConnectionStartFailed(Logger, ex);
            if (connection is null)
            {
                socket.Dispose();
            }
            else
            {
                connection.Close();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown went on without waiting longer for objects still being disposed.")]
    private static partial void LogDisposalsSlow(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An authenticated connection could not be started; it was closed.")]
    private static partial void LogConnectionStartFailed(ILogger logger, Exception exception);
}
