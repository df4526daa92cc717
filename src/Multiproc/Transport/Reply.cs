using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Transport;

/// <summary>A reply frame copied out of the reader's buffer into a pooled array.</summary>
internal readonly struct Reply
{
    private readonly byte[] _buffer;
    private readonly int _length;

    public Reply(ReadOnlySpan<byte> payload)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        _length = payload.Length;
        payload.CopyTo(_buffer);
    }

    /// <summary>Decodes the value (or throws the remote error) and returns the buffer to the pool.</summary>
    public object? Decode(ValueReader? valueReader, MessagePackSerializerOptions options)
    {
        try
        {
            var reader = new MessagePackReader(_buffer.AsMemory(0, _length));
            reader.ReadArrayHeader();
            var kind = (MessageKind)reader.ReadByte();
            reader.ReadUInt32();
            if (kind == MessageKind.Error)
            {
                throw RemoteError.Read(ref reader);
            }

            return valueReader is null ? null : valueReader(ref reader, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
