using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Transport;

/// <summary>
/// The chain policy for certificates a stranger presents: built from what the peer sent and the local
/// stores only, with no issuer downloads and no revocation checks.
/// </summary>
/// <remarks>
/// Why: .NET 10 fetches a certificate's missing issuers from the URLs written in it (its AIA field)
/// while it builds the chain, before any key is proven. A stranger's certificate would send the
/// process to URLs of the stranger's choosing (SSRF), on a handshake thread that closing the socket
/// cannot end (the TLS review's finding 1). The manager checks client certificates with it; a client
/// checks a pinned server certificate with it (a pin makes the chain irrelevant).
/// </remarks>
internal static class OfflineChainPolicy
{
    public static X509ChainPolicy Create() => new()
    {
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    };
}
