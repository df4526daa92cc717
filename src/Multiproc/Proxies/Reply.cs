using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>A reply frame copied out of the reader's buffer into a pooled array.</summary>
/// <remarks>
/// Decoded exactly once, by the caller it was handed to. A leased result handed to a blocked caller
/// still owes its receipt (<see cref="ReceiptTo"/>), which <see cref="Decode"/> sends; an awaited
/// call's reply arrives only after its receipt was written (ClientConnection.Leases.cs).
/// </remarks>
internal readonly struct Reply
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private readonly IResultAcknowledgement? _acknowledgement;

    /// <param name="payload">The reply message.</param>
    /// <param name="callId">The call it answers.</param>
    /// <param name="receiptTo">The connection to acknowledge a leased result on; null for other replies.</param>
    public Reply(ReadOnlySpan<byte> payload, uint callId, ClientConnection? receiptTo)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        _length = payload.Length;
        CallId = callId;
        ReceiptTo = receiptTo;
        payload.CopyTo(_buffer);
    }

    /// <param name="payload">The reply message.</param>
    /// <param name="callId">The call it answers.</param>
    /// <param name="acknowledgement">Acknowledges a leased result once it is decoded (<see cref="IResultAcknowledgement"/>); null for other replies.</param>
    public Reply(ReadOnlySpan<byte> payload, uint callId, IResultAcknowledgement? acknowledgement)
        : this(payload, callId, receiptTo: null)
    {
        _acknowledgement = acknowledgement;
    }

    public uint CallId { get; }

    /// <summary>Gets the connection a receipt is still owed to (a leased result not yet acknowledged), or null.</summary>
    public ClientConnection? ReceiptTo { get; }

    /// <summary>Reads an error reply's exception type and message without consuming the reply (for its client span).</summary>
    /// <returns>False for a result.</returns>
    public bool TryPeekError(out string? typeName, out string? message)
    {
        var reader = new MessagePackReader(_buffer.AsMemory(0, _length));
        reader.ReadArrayHeader();
        if ((MessageKind)reader.ReadByte() != MessageKind.Error)
        {
            typeName = message = null;
            return false;
        }

        reader.ReadUInt32();
        typeName = reader.ReadString();
        message = reader.ReadString();
        return true;
    }

    /// <summary>Decodes the value (or throws the remote error) and returns the buffer to the pool.</summary>
    /// <remarks>A receipt still owed is sent first: written before the value is decoded and returned. An
    /// acknowledgement (<see cref="IResultAcknowledgement"/>) is sent after the decode, before the value is returned.</remarks>
    /// <exception cref="ManagerUnavailableException">A leased result could not be acknowledged (the manager takes it back).</exception>
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

            ReceiptTo?.SendReceipt(CallId);

            object? value = valueReader is null ? null : valueReader(ref reader, options);
            _acknowledgement?.Acknowledge();
            return value;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
