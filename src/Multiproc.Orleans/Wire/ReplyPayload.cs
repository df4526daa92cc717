using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Orleans.Wire;

/// <summary>
/// The native Result and Error messages (docs/protocol.md §3) as the bytes a grain call returns:
/// the client wraps them in a <see cref="Proxies.Reply"/> and decodes them as a manager's.
/// </summary>
internal static class ReplyPayload
{
    /// <summary>Writes <c>[Result, callId, value]</c>; a null <paramref name="valueWriter"/> writes nil (void).</summary>
    /// <exception cref="MessagePackSerializationException">The value cannot be serialized.</exception>
    public static byte[] Result(uint callId, object? value, ValueWriter? valueWriter, MessagePackSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write((byte)MessageKind.Result);
        writer.Write(callId);
        if (valueWriter is null)
        {
            writer.WriteNil();
        }
        else
        {
            valueWriter(ref writer, value, options);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a result that is a reference to a shared object (ext 42, <c>[objectId, typeId]</c>).</summary>
    public static byte[] Reference(uint callId, long objectId, string typeId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write((byte)MessageKind.Result);
        writer.Write(callId);
        ReferenceAwareFormatter<object>.WriteReference(ref writer, objectId, typeId);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>[Error, callId, type, message, stack]</c>: the caller rethrows it as a manager's error.</summary>
    public static byte[] Error(uint callId, Exception exception)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            RemoteError.Write(frame, callId, exception);
            return frame.Payload.ToArray();
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }
}
