using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Tests.Infrastructure;

/// <summary>Self-signed certificates made in the test process (nothing from disk, nothing trusted by the system).</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> s_server = new(() => Create("CN=multiproc-test-server", serverAuth: true));
    private static readonly Lazy<X509Certificate2> s_client = new(() => Create("CN=multiproc-test-client", serverAuth: false));

    /// <summary>Gets a server certificate for 127.0.0.1 and localhost, with its private key.</summary>
    public static X509Certificate2 Server => s_server.Value;

    /// <summary>Gets a client certificate, with its private key.</summary>
    public static X509Certificate2 Client => s_client.Value;

    /// <summary>Makes a fresh certificate for 127.0.0.1 and localhost (another key, so another pin).</summary>
    public static X509Certificate2 Create(string subject, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12, as a certificate from a file arrives: the key is then one TLS can use on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Makes a certificate authority (basic constraints CA, key usage cert-sign) nobody trusts.</summary>
    public static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Makes a client certificate signed by <paramref name="issuer"/>, naming <paramref name="issuerUrl"/> as where its issuer can be fetched (AIA).</summary>
    public static X509Certificate2 IssuedBy(X509Certificate2 issuer, string subject, string issuerUrl)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(ocspUris: null, caIssuersUris: [issuerUrl]));
        // Within the issuer's own validity: a period computed afresh from the clock can end a second after the
        // issuer's, which CertificateRequest refuses (it failed CI once, when the two were made across a second's edge).
        using X509Certificate2 signed = request.Create(issuer, issuer.NotBefore, issuer.NotAfter, RandomNumberGenerator.GetBytes(8));
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The address without its pin (<c>?sha256=</c>), as a client that knows only host and port has it.</summary>
    public static string Unpinned(string address) => address.Split('?')[0];

    /// <summary>Connect options that accept exactly <paramref name="certificate"/>, through the callback.</summary>
    public static ConnectOptions Trusting(X509Certificate2 certificate) => new()
    {
        RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == certificate.GetCertHashString(HashAlgorithmName.SHA256),
    };
}
