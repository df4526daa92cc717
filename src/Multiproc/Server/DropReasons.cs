namespace Multiproc.Server;

/// <summary>The values of <c>multiproc.drop.reason</c> on <c>multiproc.server.connections.dropped</c> (docs/metrics.md).</summary>
internal static class DropReasons
{
    /// <summary>The peer did not finish the key handshake within <c>ManagerOptions.HandshakeTimeout</c>.</summary>
    public const string HandshakeTimeout = "handshake_timeout";

    /// <summary>More connections waited to authenticate than <c>ManagerOptions.MaxPendingHandshakes</c>; the oldest went.</summary>
    public const string HandshakeLimit = "handshake_limit";

    /// <summary>The peer's answer did not prove it holds the key.</summary>
    public const string AuthenticationFailed = "authentication_failed";

    /// <summary>The peer speaks another protocol (an HTTP request, a Python client on the native port...).</summary>
    public const string NotAClient = "not_a_client";

    /// <summary>The TLS handshake of a <c>tls://</c> manager failed: the peer does not speak TLS, or its client certificate was refused.</summary>
    public const string TlsFailed = "tls_failed";

    /// <summary>The handshake failed otherwise (the socket broke).</summary>
    public const string HandshakeFailed = "handshake_failed";

    /// <summary>The client let its replies back up past the limit, or took none for the stall timeout.</summary>
    public const string NotReading = "not_reading";

    /// <summary>The client sent a frame or message the protocol does not allow.</summary>
    public const string ProtocolViolation = "protocol_violation";
}
