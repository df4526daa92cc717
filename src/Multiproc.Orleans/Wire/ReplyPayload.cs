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
    /// <remarks>Written into the thread's reusable <see cref="FrameBuffer"/>: the only allocation is the returned array.</remarks>
    public static byte[] Result(uint callId, object? value, ValueWriter? valueWriter, MessagePackSerializerOptions options)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
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
            return frame.Payload.ToArray();
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Writes a result that is a reference to a shared object (ext 42, <c>[objectId, typeId]</c>).</summary>
    public static byte[] Reference(uint callId, long objectId, string typeId)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            writer.WriteArrayHeader(3);
            writer.Write((byte)MessageKind.Result);
            writer.Write(callId);
            ReferenceAwareFormatter<object>.WriteReference(ref writer, objectId, typeId);
            writer.Flush();
            return frame.Payload.ToArray();
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
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
