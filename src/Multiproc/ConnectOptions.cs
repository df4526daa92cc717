using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

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
    private X509Certificate2? _clientCertificate;

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
            ConnectTimeoutGiven = true;
        }
    }

    /// <summary>Gets whether <see cref="ConnectTimeout"/> was set: a backend whose connect is slower than a socket's (an Orleans client's start) applies its own bound otherwise.</summary>
    internal bool ConnectTimeoutGiven { get; private set; }

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

    /// <summary>Gets or sets how a <c>tls://</c> connection checks the manager's certificate. Default <see langword="null"/>: the system's checks (a trusted chain and a name that matches the address's host).</summary>
    /// <remarks>
    /// Not used when the address is pinned (<c>tls://host:port?sha256=…</c>): the certificate must then have that
    /// SHA-256, and nothing else is checked. A refused certificate fails the connect with
    /// <see cref="System.Security.Authentication.AuthenticationException"/>. It runs on the connecting thread.
    /// </remarks>
    public RemoteCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>Gets or sets the certificate a <c>tls://</c> connection presents when the manager asks for one; default none.</summary>
    /// <remarks>It must have its private key. Only this connection uses it: proxies passed to worker processes connect without one.</remarks>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public X509Certificate2? ClientCertificate
    {
        get => _clientCertificate;
        set
        {
            if (value is { HasPrivateKey: false })
            {
                throw new ArgumentException("The client certificate must have its private key.", nameof(value));
            }

            _clientCertificate = value;
        }
    }
}
