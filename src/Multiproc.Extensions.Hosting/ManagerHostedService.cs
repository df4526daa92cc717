using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Multiproc.Extensions.Hosting;

/// <summary>Runs a manager for the host (<see cref="MultiprocServiceCollectionExtensions.AddMultiprocManager"/>): started at the first of its first use or the host's start, stopped with the host.</summary>
/// <remarks>
/// Started at first use too, not only by the host: hosted services are constructed before any of
/// them starts, and one that takes <see cref="Manager"/> in its constructor must get a running one.
/// The manager logs through the host's <see cref="ILoggerFactory"/> unless the options name another.
/// </remarks>
public sealed class ManagerHostedService : IHostedService, IAsyncDisposable
{
    private readonly ManagerOptions _options;
    private readonly Lock _lock = new();
    private Manager? _manager;
    private bool _stopped;

    /// <summary>Creates the service for <paramref name="options"/>; the manager starts at its first use or the host's start.</summary>
    /// <param name="options">The manager's options (its registrations, address, key).</param>
    /// <param name="loggerFactory">The host's logger factory.</param>
    public ManagerHostedService(ManagerOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _options.LoggerFactory ??= loggerFactory;
    }

    /// <summary>Gets the running manager, starting it if nobody has yet.</summary>
    /// <exception cref="ObjectDisposedException">The host has stopped it.</exception>
    /// <remarks>
    /// The first use blocks until the manager listens: milliseconds in this process, a child
    /// process's start-up with <see cref="ManagerHosting.ChildProcess"/>.
    /// </remarks>
    public Manager Manager
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_stopped, typeof(Manager));
                // Blocking on purpose: a constructor that takes Manager needs a running one (see remarks).
                return _manager ??= Manager.StartAsync(_options).GetAwaiter().GetResult();
            }
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Manager;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Every client's calls then fail with <see cref="ManagerUnavailableException"/>.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Manager? manager;
        lock (_lock)
        {
            _stopped = true;
            manager = _manager;
            _manager = null;
        }

        if (manager is not null)
        {
            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));
}
