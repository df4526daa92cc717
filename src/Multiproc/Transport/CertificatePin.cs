using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Transport;

/// <summary>
/// The SHA-256 of a server certificate (its DER bytes), which a <c>tls://…?sha256=</c> address
/// requires: how a process that cannot run the caller's validation callback (a worker, a child
/// manager's owner, the <c>multiproc</c> tool) still knows it reached the right server.
/// </summary>
internal sealed class CertificatePin
{
    private const int HashLength = 32;
    private readonly byte[] _hash;

    private CertificatePin(byte[] hash) => _hash = hash;

    /// <summary>The pin of <paramref name="certificate"/>.</summary>
    public static CertificatePin Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificatePin(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>Parses 64 hex digits (either case; colons between bytes allowed, as tools print them).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CertificatePin? pin)
    {
        pin = null;
        Span<char> digits = stackalloc char[HashLength * 2];
        int count = 0;
        foreach (char c in text)
        {
            if (c == ':')
            {
                continue;
            }

            if (count == digits.Length || !char.IsAsciiHexDigit(c))
            {
                return false;
            }

            digits[count++] = c;
        }

        if (count != digits.Length)
        {
            return false;
        }

        pin = new CertificatePin(Convert.FromHexString(digits));
        return true;
    }

    /// <summary>Whether <paramref name="certificate"/> is the pinned one (compared in fixed time).</summary>
    public bool Matches(X509Certificate? certificate)
        => certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), _hash);

    /// <summary>The hash as 64 upper-case hex digits, as it appears in an address.</summary>
    public override string ToString() => Convert.ToHexString(_hash);
}
