using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Hosting;

/// <summary>
/// The secrets a child-process manager starts with, in one byte array: the key, then (for a
/// <c>tls://</c> manager) its certificate with the private key as PKCS#12. They travel only over the
/// worker's private bootstrap pipe.
/// </summary>
/// <remarks>Layout: the key's length (4 bytes, little-endian), the key, then the PKCS#12 bytes, if any.</remarks>
internal static class HostSecrets
{
    private const int LengthSize = 4;

    public static byte[] Write(byte[] authKey, X509Certificate2? certificate)
    {
        byte[] pkcs12 = certificate?.Export(X509ContentType.Pkcs12) ?? [];
        byte[] secrets = new byte[LengthSize + authKey.Length + pkcs12.Length];
        BinaryPrimitives.WriteInt32LittleEndian(secrets, authKey.Length);
        authKey.CopyTo(secrets, LengthSize);
        pkcs12.CopyTo(secrets, LengthSize + authKey.Length);
        return secrets;
    }

    /// <exception cref="InvalidDataException">The bytes are not secrets written by <see cref="Write"/>.</exception>
    public static (byte[] AuthKey, X509Certificate2? Certificate) Read(byte[] secrets)
    {
        int keyLength = secrets.Length >= LengthSize ? BinaryPrimitives.ReadInt32LittleEndian(secrets) : -1;
        if (keyLength < 0 || keyLength > secrets.Length - LengthSize)
        {
            throw new InvalidDataException("The manager's secrets are malformed.");
        }

        byte[] authKey = secrets.AsSpan(LengthSize, keyLength).ToArray();
        ReadOnlySpan<byte> pkcs12 = secrets.AsSpan(LengthSize + keyLength);
        return (authKey, pkcs12.IsEmpty ? null : X509CertificateLoader.LoadPkcs12(pkcs12, password: null, X509KeyStorageFlags.EphemeralKeySet));
    }
}
