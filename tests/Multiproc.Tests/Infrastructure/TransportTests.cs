namespace Multiproc.Tests.Infrastructure;

/// <summary>
/// Base of the test classes that run over every transport, the vs-streamjsonrpc way: an abstract
/// class holds the tests and one sealed subclass per transport (<c>XUnixTests</c>,
/// <c>XTcpTests</c>, <c>XTlsTests</c>) picks the address its managers listen on.
/// </summary>
public abstract class TransportTests
{
    /// <summary>A TCP manager on a free loopback port.</summary>
    public const string Tcp = "tcp://127.0.0.1:0";

    /// <summary>A TLS manager on a free loopback port, with the test server certificate (clients reach it by the owner's pinned address).</summary>
    public const string Tls = "tls://127.0.0.1:0";

    /// <summary>Gets where the test's managers listen: null for the default private Unix socket, <see cref="Tcp"/> or <see cref="Tls"/>.</summary>
    protected abstract string? ListenAddress { get; }

    /// <summary>Returns the options most tests use (<see cref="TestOptions.Create"/>), listening on <see cref="ListenAddress"/>.</summary>
    private protected ManagerOptions CreateOptions() => TestOptions.Create(ListenAddress);
}
