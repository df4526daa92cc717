using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>The client side of a <c>tls://</c> connection: the TLS handshake, and how the manager's certificate is checked.</summary>
/// <remarks>
/// A pinned address (<c>?sha256=</c>) accepts exactly the certificate with that SHA-256, whatever its
/// chain or name: that is how a process that cannot run the caller's callback (a worker, a
/// child-process manager's owner, the tool) checks it. Otherwise the caller's
/// <see cref="ConnectOptions.RemoteCertificateValidationCallback"/> decides, or, without one, the
/// system's checks (a trusted chain and a name matching the address's host).
/// </remarks>
internal static class TlsClient
{
    /// <summary>Runs the TLS handshake on a connected, blocking socket (its timeouts bound each read and write).</summary>
    /// <returns>The connection socket that owns <paramref name="socket"/> from now on.</returns>
    /// <exception cref="AuthenticationException">The certificate was refused, or the peer does not speak TLS.</exception>
    public static TlsConnectionSocket Authenticate(Socket socket, ManagerAddress address, ConnectSettings settings)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            stream.AuthenticateAsClient(ClientOptions(address, settings));
            return new TlsConnectionSocket(socket, stream);
        }
        catch (AuthenticationException ex)
        {
            stream.Dispose();
            throw new AuthenticationException($"The TLS handshake with {address} failed: {ex.Message}{Hint(ex)}", ex);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static SslClientAuthenticationOptions ClientOptions(ManagerAddress address, ConnectSettings settings)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = address.Host,
            RemoteCertificateValidationCallback = address.Pin is { } pin
                ? (_, certificate, _, _) => pin.Matches(certificate)
                : settings.RemoteCertificateValidation,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (address.Pin is not null)
        {
            // The chain means nothing to a pin: never let a stranger's certificate send this process to its URLs.
            options.CertificateChainPolicy = OfflineChainPolicy.Create();
        }
        if (settings.ClientCertificate is { } clientCertificate)
        {
            // Offline: the chain sent is what this process has; building it never goes to the URLs in the certificate.
            options.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true);
        }

        return options;
    }

    private static string Hint(AuthenticationException ex)
        => ex.InnerException is null && ex.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            ? " (a self-signed certificate needs ConnectOptions.RemoteCertificateValidationCallback, or the address pinned with ?sha256=)"
            : string.Empty;
}
