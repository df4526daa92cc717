using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Transport;

/// <summary>A reply frame copied out of the reader's buffer into a pooled array.</summary>
/// <remarks>Decoded exactly once, by the caller it was handed to.</remarks>
internal readonly struct Reply
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private readonly ClientConnection? _receiptTo;

    /// <param name="payload">The reply message.</param>
    /// <param name="receiptTo">The connection to acknowledge a leased result on; null for other replies.</param>
    public Reply(ReadOnlySpan<byte> payload, ClientConnection? receiptTo)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        _length = payload.Length;
        _receiptTo = receiptTo;
        payload.CopyTo(_buffer);
    }

    /// <summary>Decodes the value (or throws the remote error) and returns the buffer to the pool.</summary>
    /// <remarks>A leased result is acknowledged first: the receipt is written before the value is decoded and returned.</remarks>
    /// <exception cref="ManagerUnavailableException">A leased result could not be acknowledged (the manager takes it back).</exception>
    public object? Decode(ValueReader? valueReader, MessagePackSerializerOptions options)
    {
        try
        {
            var reader = new MessagePackReader(_buffer.AsMemory(0, _length));
            reader.ReadArrayHeader();
            var kind = (MessageKind)reader.ReadByte();
            uint callId = reader.ReadUInt32();
            if (kind == MessageKind.Error)
            {
                throw RemoteError.Read(ref reader);
            }

            if (kind == MessageKind.LeasedResult)
            {
                _receiptTo!.SendReceipt(callId);
            }

            return valueReader is null ? null : valueReader(ref reader, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
