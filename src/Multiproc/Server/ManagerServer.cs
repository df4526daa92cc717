using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// The manager's server: accepts connections, authenticates them, and owns the object table.
/// </summary>
/// <remarks>
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
    private readonly Task _acceptLoop;
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
        _acceptLoop = Task.Run(AcceptLoopAsync);
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

    public static ManagerServer Start(ManagerSettings settings)
    {
        SocketListener listener = SocketListener.Bind(settings.Address is null ? null : ManagerAddress.Parse(settings.Address));
        return new ManagerServer(settings, listener);
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
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
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

    private async Task AcceptLoopAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_shutdown.IsCancellationRequested)
                {
                    return;
                }

                LogAcceptFailed(Logger, ex);
                continue;
            }

            StartAuthentication(socket);
        }
    }

    /// <summary>Authenticates on a thread of its own (blocking I/O keeps the socket blocking, see Handshake), then serves.</summary>
    private void StartAuthentication(Socket socket)
    {
        var thread = new Thread(() => Authenticate(socket)) { IsBackground = true, Name = "multiproc-handshake" };
        thread.Start();
    }

    private void Authenticate(Socket socket)
    {
        bool accepted = false;
        try
        {
            int timeout = (int)Settings.HandshakeTimeout.TotalMilliseconds;
            socket.ReceiveTimeout = timeout;
            socket.SendTimeout = timeout;
            accepted = Handshake.Accept(socket, AuthKey, ServerId);
            socket.ReceiveTimeout = 0;
            socket.SendTimeout = 0;
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException or ObjectDisposedException)
        {
            LogHandshakeFailed(Logger, ex.Message);
        }

        if (!accepted || _shutdown.IsCancellationRequested)
        {
            LogRejected(Logger);
            socket.Dispose();
            return;
        }

        var connection = new ServerConnection(this, socket, Interlocked.Increment(ref _nextConnectionId));
        _connections[connection.Id] = connection;
        if (_shutdown.IsCancellationRequested)
        {
            // Shutdown walked the connections before this one was added.
            connection.Close();
            return;
        }

        connection.Start();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown went on without waiting longer for objects still being disposed.")]
    private static partial void LogDisposalsSlow(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting a connection failed.")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handshake failed: {Reason}.")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "A connection was rejected during authentication.")]
    private static partial void LogRejected(ILogger logger);
}
