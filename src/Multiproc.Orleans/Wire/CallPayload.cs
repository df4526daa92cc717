using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Proxies;

namespace Multiproc.Orleans.Wire;

/// <summary>
/// The native Call message (docs/protocol.md §3, <c>[1, callId, objectId, member, arg0, ...]</c>) as
/// the bytes a grain call carries: both sides reuse Multiproc's codecs, and Orleans never sees a user type.
/// </summary>
internal static class CallPayload
{
    private const int HeaderFields = 4;

    /// <summary>Writes a call with its arguments encoded by <paramref name="options"/> (references as ext 42).</summary>
    /// <exception cref="ArgumentException">An argument cannot be serialized.</exception>
    /// <remarks>Written into the thread's reusable <see cref="FrameBuffer"/>: the only allocation is the returned array.</remarks>
    public static byte[] Write(uint callId, long objectId, string member, in CallArguments arguments, MessagePackSerializerOptions options)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            writer.WriteArrayHeader(HeaderFields + arguments.Count);
            writer.Write((byte)MessageKind.Call);
            writer.Write(callId);
            writer.Write(objectId);
            writer.Write(member);
            arguments.WriteTo(ref writer, options);
            writer.Flush();
            return frame.Payload.ToArray();
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Reads the header of a call; <paramref name="reader"/> is left at the first argument.</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not a Call message.</exception>
    public static CallHeader ReadHeader(ref MessagePackReader reader)
    {
        int fields = reader.ReadArrayHeader();
        if (fields < HeaderFields || (MessageKind)reader.ReadByte() != MessageKind.Call)
        {
            throw new MessagePackSerializationException("A grain call must carry a Call message: [1, callId, objectId, member, args...].");
        }

        uint callId = reader.ReadUInt32();
        long objectId = reader.ReadInt64();
        string member = reader.ReadString() ?? string.Empty;
        return new CallHeader(callId, objectId, member, fields - HeaderFields);
    }
}
