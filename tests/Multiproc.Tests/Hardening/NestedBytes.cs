using System.Buffers;
using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Tests.Hardening;

/// <summary>Hand-written MessagePack that nests deeper than any writer of ours would allow.</summary>
internal static class NestedBytes
{
    /// <summary><paramref name="depth"/> one-element arrays around <paramref name="innermost"/> (nil if null).</summary>
    public static byte[] Arrays(int depth, byte[]? innermost = null)
    {
        var buffer = new ArrayBufferWriter<byte>(depth + 64);
        var writer = new MessagePackWriter(buffer);
        for (int i = 0; i < depth; i++)
        {
            writer.WriteArrayHeader(1);
        }

        if (innermost is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteRaw(innermost);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A <see cref="Chain"/> of <paramref name="links"/> links as contractless MessagePack writes it.</summary>
    public static byte[] Chain(int links)
    {
        var buffer = new ArrayBufferWriter<byte>(links * 16);
        var writer = new MessagePackWriter(buffer);
        for (int i = 1; i <= links; i++)
        {
            writer.WriteMapHeader(2);
            writer.Write(nameof(Hardening.Chain.Value));
            writer.Write(i);
            writer.Write(nameof(Hardening.Chain.Next));
        }

        writer.WriteNil();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A shared-object reference (extension 42) to <paramref name="objectId"/>.</summary>
    public static byte[] Reference(long objectId)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        var writer = new MessagePackWriter(buffer);
        ReferenceAwareFormatter<object>.WriteReference(ref writer, objectId, "test-type");
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
