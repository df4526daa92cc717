using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using Multiproc.Proxies;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The encoding of a proxy sent to another process (docs/protocol.md §7): extension 43 whose body is
/// a <see cref="HandoverDescriptor"/>, or, inside this process only, a placeholder whose body is an index.
/// </summary>
/// <remarks>
/// Formatters write placeholders (<see cref="OutgoingReferences"/>); the hand-overs run after the
/// value is encoded, and the placeholders are replaced by descriptors before the bytes leave.
/// A placeholder never crosses a process boundary.
/// </remarks>
internal static class HandoverExtension
{
    public const sbyte ExtensionCode = ExtensionCodes.HandedOverReference;

    private const int PlaceholderLength = 5;

    /// <summary>Writes a placeholder for the <paramref name="index"/>th proxy of the value being encoded.</summary>
    public static void WritePlaceholder(ref MessagePackWriter writer, int index)
    {
        // Always int 32 (0xd2), so the placeholder's size does not depend on the index.
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCode, PlaceholderLength));
        Span<byte> body = writer.GetSpan(PlaceholderLength);
        body[0] = MessagePackCode.Int32;
        BinaryPrimitives.WriteInt32BigEndian(body[1..], index);
        writer.Advance(PlaceholderLength);
    }

    /// <summary>Reads a placeholder written by <see cref="WritePlaceholder"/>.</summary>
    /// <exception cref="MessagePackSerializationException">The extension is not a placeholder.</exception>
    public static int ReadPlaceholder(ref MessagePackReader reader)
    {
        reader.ReadExtensionFormatHeader();
        return reader.NextMessagePackType == MessagePackType.Integer
            ? reader.ReadInt32()
            : throw new MessagePackSerializationException("Expected a hand-over placeholder.");
    }

    /// <summary>Writes a handed-over reference: the extension header, then the descriptor.</summary>
    public static void WriteDescriptor(ref MessagePackWriter writer, HandoverDescriptor descriptor)
    {
        var payload = new ArrayBufferWriter<byte>(128);
        var inner = new MessagePackWriter(payload);
        descriptor.Write(ref inner);
        inner.Flush();
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCode, payload.WrittenCount));
        writer.WriteRaw(payload.WrittenSpan);
    }

    /// <summary>Reads a handed-over reference written by <see cref="WriteDescriptor"/>.</summary>
    /// <exception cref="MessagePackSerializationException">The extension's body is not a descriptor (a placeholder included).</exception>
    public static HandoverDescriptor ReadDescriptor(ref MessagePackReader reader)
    {
        ExtensionHeader header = reader.ReadExtensionFormatHeader();
        long start = reader.Consumed;
        HandoverDescriptor descriptor = HandoverDescriptor.Read(ref reader);
        return reader.Consumed - start == header.Length
            ? descriptor
            : throw new MessagePackSerializationException("A handed-over reference's length does not match its body.");
    }
}
