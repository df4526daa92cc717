using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Multiproc.Extensions.Hosting;

/// <summary>
/// A connection to a manager that the host keeps: connected at start, checked while it runs, and
/// connected again with backoff after the manager goes away (<see cref="MultiprocServiceCollectionExtensions.AddMultiprocClient"/>).
/// </summary>
/// <remarks>
/// <para>Proxies belong to the connection that made them: after the manager goes away, the old
/// ones keep failing with <see cref="ManagerUnavailableException"/> (the objects they named are
/// gone with it), while <see cref="Manager"/> hands out the new connection, where new creates and
/// lookups work.</para>
/// <para>A lost manager is noticed by a check every <see cref="MultiprocClientOptions.CheckInterval"/>
/// (one stats call), or sooner by a call that fails. The state is reported by
/// <see cref="MultiprocClientHealthCheck"/>.</para>
/// </remarks>
public sealed partial class MultiprocClient : BackgroundService
{
    private readonly Func<ReadOnlyMemory<byte>> _key;
    private readonly MultiprocClientOptions _options;
    private readonly ILogger _logger;
    private volatile Manager? _manager;
    private volatile Exception? _lastError;
    private TaskCompletionSource<Manager> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the client; it connects when the host starts it.</summary>
    /// <param name="address">The manager's address.</param>
    /// <param name="key">Gives the key for each connect (so a rotated key is picked up).</param>
    /// <param name="options">Check and retry timing.</param>
    /// <param name="logger">Where connects and losses are logged.</param>
    public MultiprocClient(string address, Func<ReadOnlyMemory<byte>> key, MultiprocClientOptions options, ILogger<MultiprocClient> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        Address = address;
        _key = key;
        _options = options;
        _logger = logger;
    }

    /// <summary>Gets the manager's address.</summary>
    public string Address { get; }

    /// <summary>Gets whether the client is connected now.</summary>
    public bool IsConnected => _manager is not null;

    /// <summary>Gets why the last connect failed or the connection was lost; null while connected.</summary>
    public Exception? LastError => _lastError;

    /// <summary>Gets the current connection.</summary>
    /// <exception cref="ManagerUnavailableException">Not connected now (it is reconnecting); <see cref="LastError"/> says why.</exception>
    public Manager Manager => _manager ?? throw new ManagerUnavailableException($"Not connected to the manager at {Address}; reconnecting.", _lastError);

    /// <summary>Waits until the client is connected and returns the connection.</summary>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The current connection.</returns>
    /// <exception cref="ManagerUnavailableException">The client stopped with the host.</exception>
    public Task<Manager> GetManagerAsync(CancellationToken cancellationToken = default)
        => _manager is { } manager ? Task.FromResult(manager) : Volatile.Read(ref _connected).Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan delay = _options.FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            Manager manager;
            try
            {
                manager = await Manager.ConnectAsync(Address, _key(), _options.Connect, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything (an unreachable manager, a wrong key, a key file being rotated) is retried: a
                // background service that threw would stop the whole host.
                _lastError = ex;
                LogConnectFailed(_logger, Address, delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                continue;
            }

            delay = _options.FirstRetryDelay;
            await WatchAsync(manager, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task WatchAsync(Manager manager, CancellationToken stoppingToken)
    {
        _lastError = null;
        _manager = manager;
        Volatile.Read(ref _connected).TrySetResult(manager);
        LogConnected(_logger, Address);
        try
        {
            while (true)
            {
                await Task.Delay(_options.CheckInterval, stoppingToken).ConfigureAwait(false);
                await manager.GetStatsAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Lost (ManagerUnavailableException), or the connection was disposed by someone else: connect again.
            _lastError = ex;
            LogLost(_logger, Address, ex.Message);
        }
        finally
        {
            // The new wait first, then the manager goes: a caller never takes the old, completed wait for a new one.
            TaskCompletionSource<Manager> next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _connected, next);
            _manager = null;
            if (stoppingToken.IsCancellationRequested)
            {
                next.TrySetException(new ManagerUnavailableException($"The client of the manager at {Address} stopped with the host."));
            }

            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Whoever still waits for a connection learns that none is coming.
        Volatile.Read(ref _connected).TrySetException(new ManagerUnavailableException($"The client of the manager at {Address} stopped with the host."));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the Multiproc manager at {Address}.")]
    private static partial void LogConnected(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the Multiproc manager at {Address} ({Reason}); reconnecting.")]
    private static partial void LogLost(ILogger logger, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to the Multiproc manager at {Address}; next attempt in {DelayMilliseconds} ms: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string address, double delayMilliseconds, string reason);
}
