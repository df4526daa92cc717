namespace Multiproc;

/// <summary>
/// How a client connects to a running manager and decides that it has stopped answering.
/// </summary>
/// <remarks>
/// Passed to <see cref="Manager.ConnectAsync(string, ReadOnlyMemory{byte}, ConnectOptions?, CancellationToken)"/>,
/// which takes a snapshot: later changes do not affect an open connection. Each setter validates its value.
/// </remarks>
public sealed class ConnectOptions
{
    private TimeSpan _connectTimeout = TimeSpan.FromSeconds(10);
    private TimeSpan _livenessTimeout = TimeSpan.FromSeconds(10);
    private int _maxFrameSize = ManagerOptions.DefaultMaxFrameSize;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Gets or sets how long connecting and authenticating may take in all; default 10 seconds.</summary>
    /// <remarks>An address where nothing answers (a stopped manager, a silent host) fails with <see cref="ManagerUnavailableException"/> when it runs out.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or over one hour.</exception>
    public TimeSpan ConnectTimeout
    {
        get => _connectTimeout;
        set
        {
            ManagerOptions.RequirePositive(value, TimeSpan.FromHours(1));
            _connectTimeout = value;
        }
    }

    /// <summary>Gets or sets how long a connection with calls in flight may go without hearing from the manager before those calls fail; default 10 seconds.</summary>
    /// <remarks>
    /// While calls are pending the client sends heartbeats, which the manager answers even while user methods run,
    /// so a long but healthy call is never failed. A manager that is stopped, hung or unreachable makes every pending
    /// call fail with <see cref="ManagerUnavailableException"/> within this time.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Under 100 ms, or over one hour.</exception>
    public TimeSpan LivenessTimeout
    {
        get => _livenessTimeout;
        set
        {
            ManagerOptions.RequirePositive(value, TimeSpan.FromHours(1));
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(100));
            _livenessTimeout = value;
        }
    }

    /// <summary>Gets or sets the largest reply this client accepts, in bytes; default 64 MiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1024 bytes.</exception>
    public int MaxFrameSize
    {
        get => _maxFrameSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            _maxFrameSize = value;
        }
    }

    /// <summary>Gets or sets the clock for the connect timeout and the liveness checks; default <see cref="TimeProvider.System"/>.</summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _timeProvider = value;
        }
    }
}
