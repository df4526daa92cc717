using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Cli;

/// <summary>Loads the server certificate of <c>multiproc serve --certificate</c>.</summary>
internal static class CertificateFile
{
    /// <summary>The environment variable holding a PKCS#12 file's password: never on the command line, where other users' <c>ps</c> sees it.</summary>
    public const string PasswordVariable = "MULTIPROC_CERTIFICATE_PASSWORD";

    /// <summary>Loads PKCS#12, or PEM with its key in the same file or in <paramref name="key"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The file is not a certificate, or its key is missing or wrong.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static X509Certificate2 Load(FileInfo certificate, FileInfo? key)
    {
        if (key is not null)
        {
            return X509Certificate2.CreateFromPemFile(certificate.FullName, key.FullName);
        }

        string text = File.ReadAllText(certificate.FullName);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            return X509Certificate2.CreateFromPemFile(certificate.FullName);
        }

        return X509CertificateLoader.LoadPkcs12FromFile(certificate.FullName, Environment.GetEnvironmentVariable(PasswordVariable));
    }
}
