using System.Security.Authentication;
using System.Security.Cryptography;

namespace Multiproc.Python.Wire;

/// <summary>
/// The messages and MACs of CPython's <c>deliver_challenge</c>/<c>answer_challenge</c>, in both generations:
/// 3.8–3.11 send 20 random bytes and answer with a raw HMAC-MD5; 3.12+ send <c>{sha256}</c> and 40 random bytes
/// and answer with <c>{name}</c> and the HMAC the challenge names.
/// </summary>
/// <remarks>
/// A "message" is what follows <c>#CHALLENGE#</c>; every MAC covers the whole message, <c>{digest}</c> prefix
/// included, so an answer cannot downgrade a prefixed challenge. The rules mirror CPython 3.12's
/// <c>_get_digest_name_and_payload</c>, <c>_create_response</c> and <c>_verify_challenge</c>.
/// </remarks>
internal static class PythonChallenge
{
    /// <summary>The length of a legacy (3.8–3.11) challenge message.</summary>
    public const int LegacyMessageLength = 20;

    /// <summary>The length of a raw HMAC-MD5 answer.</summary>
    public const int Md5Length = 16;

    /// <summary>The random part of a 3.12+ challenge message.</summary>
    public const int RandomLength = 40;

    private const int MaxDigestNameLength = 8;

    /// <summary>Gets the prefix of a challenge frame.</summary>
    public static ReadOnlySpan<byte> ChallengePrefix => "#CHALLENGE#"u8;

    /// <summary>Gets the frame that accepts an answer.</summary>
    public static ReadOnlySpan<byte> Welcome => "#WELCOME#"u8;

    /// <summary>Gets the frame that rejects an answer.</summary>
    public static ReadOnlySpan<byte> Failure => "#FAILURE#"u8;

    /// <summary>Gets the smallest challenge frame CPython answers: the prefix and 20 bytes.</summary>
    public static int MinChallengeFrameLength => ChallengePrefix.Length + LegacyMessageLength;

    /// <summary>Creates a 3.12+ challenge message: <c>{sha256}</c> and 40 random bytes.</summary>
    public static byte[] NewMessage() => [.. "{sha256}"u8, .. RandomNumberGenerator.GetBytes(RandomLength)];

    /// <summary>Gets a value indicating whether <paramref name="message"/> (a challenge or an answer) is of the legacy, unprefixed, MD5-only kind.</summary>
    public static bool IsLegacy(ReadOnlySpan<byte> message) => message.Length is LegacyMessageLength or Md5Length;

    /// <summary>Answers the challenge <paramref name="message"/>: a raw HMAC-MD5 for a legacy message, else <c>{name}</c> and the named HMAC.</summary>
    /// <exception cref="AuthenticationException">The message is too short, has no digest prefix, or names a digest not supported.</exception>
    public static byte[] Respond(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        if (message.Length < LegacyMessageLength)
        {
            throw new AuthenticationException($"The challenge is too short ({message.Length} bytes).");
        }

        if (IsLegacy(message))
        {
            return Md5(key, message);
        }

        string digest = DigestName(message, out _)
            ?? throw new AuthenticationException("The challenge has no supported {digest} prefix.");
        return [.. "{"u8, .. System.Text.Encoding.ASCII.GetBytes(digest), .. "}"u8, .. Mac(digest, key, message)];
    }

    /// <summary>Checks <paramref name="response"/> against the challenge <paramref name="message"/> in constant time.</summary>
    /// <param name="key">The authentication key.</param>
    /// <param name="message">The challenge message this side sent (without <c>#CHALLENGE#</c>).</param>
    /// <param name="response">The peer's answer.</param>
    /// <param name="allowMd5">Whether an MD5 answer (raw, or <c>{md5}</c>) counts; false refuses every 3.8–3.11 peer.</param>
    /// <param name="digest">The digest the answer used (<c>md5</c> for a raw answer), or <see langword="null"/> when it was malformed.</param>
    /// <returns>Whether the answer proves the peer holds <paramref name="key"/>.</returns>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> response, bool allowMd5, out string? digest)
    {
        ReadOnlySpan<byte> mac = response;
        if (IsLegacy(response))
        {
            digest = "md5";
        }
        else
        {
            digest = DigestName(response, out int prefixLength);
            if (digest is null)
            {
                return false;
            }

            mac = response[prefixLength..];
        }

        if (!allowMd5 && digest == "md5")
        {
            return false;
        }

        byte[] expected = Mac(digest, key, message);
        return expected.Length == mac.Length && CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    /// <summary>The digest a <c>{name}</c> prefix names if CPython allows it and this platform has it, else <see langword="null"/>.</summary>
    private static string? DigestName(ReadOnlySpan<byte> message, out int prefixLength)
    {
        prefixLength = 0;
        if (message.IsEmpty || message[0] != (byte)'{')
        {
            return null;
        }

        int close = message[1..Math.Min(message.Length, MaxDigestNameLength + 2)].IndexOf((byte)'}');
        if (close < 0)
        {
            return null;
        }

        prefixLength = close + 2;
        string? name = message[1..(close + 1)] switch
        {
            var n when n.SequenceEqual("md5"u8) => "md5",
            var n when n.SequenceEqual("sha256"u8) => "sha256",
            var n when n.SequenceEqual("sha384"u8) => "sha384",
            var n when n.SequenceEqual("sha3_256"u8) && HMACSHA3_256.IsSupported => "sha3_256",
            var n when n.SequenceEqual("sha3_384"u8) && HMACSHA3_384.IsSupported => "sha3_384",
            _ => null,
        };
        return name;
    }

    private static byte[] Mac(string digest, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => digest switch
    {
        "md5" => Md5(key, message),
        "sha256" => HMACSHA256.HashData(key, message),
        "sha384" => HMACSHA384.HashData(key, message),
        "sha3_256" => HMACSHA3_256.HashData(key, message),
        "sha3_384" => HMACSHA3_384.HashData(key, message),
        _ => throw new ArgumentOutOfRangeException(nameof(digest), digest, "Not a digest CPython allows."),
    };

    // CPython 3.8–3.11 know no other MAC; only the Python listener and client accept it (docs/design-decisions.md).
#pragma warning disable CA5351 // MD5 is what stock CPython 3.8–3.11 peers send; RequireSha256 refuses it.
    private static byte[] Md5(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => HMACMD5.HashData(key, message);
#pragma warning restore CA5351
}
