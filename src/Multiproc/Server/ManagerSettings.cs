using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>
/// The immutable snapshot of <see cref="ManagerOptions"/> a server runs with, taken once at start:
/// later changes to the options object never reach a running manager.
/// </summary>
internal sealed record ManagerSettings
{
    public string? Address { get; init; }

    public required byte[] AuthKey { get; init; }

    public ManagerHosting Hosting { get; init; }

    public int MaxFrameSize { get; init; }

    public int MaxPendingCallsPerConnection { get; init; }

    public TimeSpan HandshakeTimeout { get; init; }

    public long MaxSharedMemoryBytes { get; init; }

    /// <summary>Gets the reply backlog one connection may have before it is dropped (never below the frame limit).</summary>
    public long MaxOutgoingBytesPerConnection { get; init; }

    /// <summary>Gets how long a client with replies waiting may take none of them before its connection is dropped.</summary>
    public TimeSpan SendStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxPendingHandshakes { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    public required IReadOnlyList<Registration> Registrations { get; init; }

    /// <summary>Gets the address of the Python-protocol listener, or null when Python clients are not served.</summary>
    public string? PythonAddress { get; init; }

    /// <summary>Gets whether the Python listener refuses HMAC-MD5 (CPython 3.8–3.11) handshakes.</summary>
    public bool PythonRequiresSha256 { get; init; }

    /// <summary>Gets whether a Python client's <c>shutdown</c> request stops the manager.</summary>
    public bool PythonClientsMayShutDown { get; init; }

    /// <summary>Gets the certificate of a <c>tls://</c> manager; null for any other address.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Gets how a <c>tls://</c> manager checks client certificates; null asks for none.</summary>
    public RemoteCertificateValidationCallback? ClientCertificateValidation { get; init; }

    /// <summary>Takes the immutable snapshot a server runs with (a fresh random key when none is set).</summary>
    public static ManagerSettings From(ManagerOptions options) => new()
    {
        Address = options.Address,
        AuthKey = options.AuthKey?.ToArray() ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
        Hosting = options.Hosting,
        MaxFrameSize = options.MaxFrameSize,
        MaxPendingCallsPerConnection = options.MaxPendingCallsPerConnection,
        HandshakeTimeout = options.HandshakeTimeout,
        MaxSharedMemoryBytes = options.MaxSharedMemoryBytes,
        MaxOutgoingBytesPerConnection = Math.Max(options.MaxOutgoingBytesPerConnection, options.MaxFrameSize + (long)ProtocolConstants.LengthPrefixSize),
        SendStallTimeout = options.SendStallTimeout,
        MaxPendingHandshakes = options.MaxPendingHandshakes,
        LoggerFactory = options.LoggerFactory,
        TimeProvider = options.TimeProvider,
        Registrations = [.. options.Registrations],
        PythonAddress = options.PythonAddress,
        PythonRequiresSha256 = options.PythonRequiresSha256,
        PythonClientsMayShutDown = options.PythonClientsMayShutDown,
        ServerCertificate = options.ServerCertificate,
        ClientCertificateValidation = options.ClientCertificateValidationCallback,
    };

    /// <summary>Checks that the address and the TLS options agree: a <c>tls://</c> address has a certificate, and only it.</summary>
    /// <exception cref="ArgumentException">They do not.</exception>
    /// <exception cref="FormatException">The address is malformed.</exception>
    public void ValidateTls()
    {
        Transport.ManagerAddress? address = Address is null ? null : Transport.ManagerAddress.Parse(Address);
        bool isTls = address is { IsTls: true };
        if (address is { Pin: not null })
        {
            throw new ArgumentException($"The address {Address} listens, so it takes no pin: the manager's own address carries its certificate's pin.");
        }

        if (isTls && ServerCertificate is null)
        {
            throw new ArgumentException($"The address {Address} needs ManagerOptions.ServerCertificate: a tls:// manager presents a certificate.");
        }

        if (!isTls && (ServerCertificate is not null || ClientCertificateValidation is not null))
        {
            throw new ArgumentException($"ManagerOptions.ServerCertificate and ClientCertificateValidationCallback apply to a tls:// address only, not {Address ?? "the default Unix socket"}.");
        }
    }

    /// <summary>
    /// The numeric limits (and the Python listener's switches) as one array, for the bootstrap of a child-process manager
    /// (<see cref="ApplyLimits"/> reads them back in the same order).
    /// </summary>
    public long[] ToLimits() => [MaxFrameSize, MaxPendingCallsPerConnection, HandshakeTimeout.Ticks, MaxSharedMemoryBytes, MaxOutgoingBytesPerConnection, SendStallTimeout.Ticks, MaxPendingHandshakes,
        PythonRequiresSha256 ? 1 : 0, PythonClientsMayShutDown ? 1 : 0];

    /// <summary>Applies limits written by <see cref="ToLimits"/> to <paramref name="options"/>.</summary>
    public static void ApplyLimits(ManagerOptions options, long[] limits)
    {
        options.MaxFrameSize = checked((int)limits[0]);
        options.MaxPendingCallsPerConnection = checked((int)limits[1]);
        options.HandshakeTimeout = TimeSpan.FromTicks(limits[2]);
        options.MaxSharedMemoryBytes = limits[3];
        options.MaxOutgoingBytesPerConnection = limits[4];
        options.SendStallTimeout = TimeSpan.FromTicks(limits[5]);
        options.MaxPendingHandshakes = checked((int)limits[6]);
        options.PythonRequiresSha256 = limits[7] != 0;
        options.PythonClientsMayShutDown = limits[8] != 0;
    }
}
