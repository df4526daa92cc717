using System.Buffers;
using System.Buffers.Binary;
using MessagePack;

namespace Multiproc.Tests.Protocol;

/// <summary>Hex goldens: written with spaces between fields for the reader, compared without them.</summary>
internal static class Golden
{
    public delegate void Body(ref MessagePackWriter writer);

    /// <summary>Removes the spaces that separate fields in a golden literal.</summary>
    public static string Hex(string spaced) => spaced.Replace(" ", "", StringComparison.Ordinal);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    public static byte[] Bytes(string spaced) => Convert.FromHexString(Hex(spaced));

    /// <summary>Builds an input frame (length prefix and payload) for a test to send; goldens are never built this way.</summary>
    public static byte[] Frame(Body body)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        body(ref writer);
        writer.Flush();
        byte[] frame = new byte[4 + payload.WrittenCount];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.WrittenCount);
        payload.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }
}
