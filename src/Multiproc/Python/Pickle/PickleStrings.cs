using System.Text;
using System.Text.Unicode;

namespace Multiproc.Python.Pickle;

/// <summary>UTF-8 as pickle uses it: <c>surrogatepass</c>, so a lone surrogate in a Python str survives the trip
/// (encoded as its three-byte form, which strict UTF-8 refuses).</summary>
internal static class PickleStrings
{
    private static readonly UTF8Encoding s_strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="bytes"/>, accepting encoded lone surrogates.</summary>
    /// <exception cref="ProtocolViolationException">The bytes are not UTF-8 even with surrogates allowed.</exception>
    public static string Decode(ReadOnlySpan<byte> bytes)
        => Utf8.IsValid(bytes) ? s_strict.GetString(bytes) : DecodeSurrogatePass(bytes);

    /// <summary>Encodes <paramref name="text"/>, writing lone surrogates in their three-byte form.</summary>
    public static byte[] Encode(string text) => HasLoneSurrogate(text) ? EncodeSurrogatePass(text) : s_strict.GetBytes(text);

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] EncodeSurrogatePass(string text)
    {
        var bytes = new List<byte>(text.Length * 3);
        Span<byte> buffer = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            int code = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                code = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            int length = Write(code, buffer);
            bytes.AddRange(buffer[..length]);
        }

        return [.. bytes];
    }

    private static int Write(int code, Span<byte> buffer)
    {
        if (code < 0x80)
        {
            buffer[0] = (byte)code;
            return 1;
        }

        if (code < 0x800)
        {
            buffer[0] = (byte)(0xC0 | (code >> 6));
            buffer[1] = (byte)(0x80 | (code & 0x3F));
            return 2;
        }

        if (code < 0x10000)
        {
            buffer[0] = (byte)(0xE0 | (code >> 12));
            buffer[1] = (byte)(0x80 | ((code >> 6) & 0x3F));
            buffer[2] = (byte)(0x80 | (code & 0x3F));
            return 3;
        }

        buffer[0] = (byte)(0xF0 | (code >> 18));
        buffer[1] = (byte)(0x80 | ((code >> 12) & 0x3F));
        buffer[2] = (byte)(0x80 | ((code >> 6) & 0x3F));
        buffer[3] = (byte)(0x80 | (code & 0x3F));
        return 4;
    }

    private static string DecodeSurrogatePass(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        int i = 0;
        while (i < bytes.Length)
        {
            byte lead = bytes[i];
            (int length, int code, int min) = lead switch
            {
                < 0x80 => (1, lead, 0),
                >= 0xC2 and < 0xE0 => (2, lead & 0x1F, 0x80),
                >= 0xE0 and < 0xF0 => (3, lead & 0x0F, 0x800),
                >= 0xF0 and < 0xF5 => (4, lead & 0x07, 0x10000),
                _ => throw Invalid(),
            };
            if (i + length > bytes.Length)
            {
                throw Invalid();
            }

            for (int k = 1; k < length; k++)
            {
                if ((bytes[i + k] & 0xC0) != 0x80)
                {
                    throw Invalid();
                }

                code = (code << 6) | (bytes[i + k] & 0x3F);
            }

            if (code < min || code > 0x10FFFF)
            {
                throw Invalid();
            }

            // A surrogate code point (the surrogatepass case) is one UTF-16 unit of its own value.
            if (code < 0x10000)
            {
                text.Append((char)code);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(code));
            }

            i += length;
        }

        return text.ToString();
    }

    private static ProtocolViolationException Invalid() => new("The pickle holds a str that is not UTF-8.");
}
