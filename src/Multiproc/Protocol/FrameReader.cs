using System.Buffers.Binary;
using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>
/// Reads length-prefixed frames from a socket with blocking receives into one growable buffer.
/// </summary>
/// <remarks>
/// Not thread-safe: one reader at a time. A returned payload is valid only until the next call.
/// A length prefix above the limit is rejected before anything is allocated for it.
/// </remarks>
internal sealed class FrameReader
{
    private const int InitialBufferSize = 64 * 1024;
    private const int KeepBufferLimit = 1024 * 1024;

    private readonly Socket _socket;
    private readonly int _maxFrameSize;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private long _received;

    public FrameReader(Socket socket, int maxFrameSize)
    {
        _socket = socket;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Gets how many bytes have been received so far (any byte is a sign of life; readable from any thread).</summary>
    public long BytesReceived => Volatile.Read(ref _received);

    /// <summary>Gets whether a whole frame is already buffered, so reading it will not block.</summary>
    public bool HasBufferedFrame
    {
        get
        {
            int available = _end - _start;
            if (available < ProtocolConstants.LengthPrefixSize)
            {
                return false;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
            return length <= (uint)_maxFrameSize && available - ProtocolConstants.LengthPrefixSize >= length;
        }
    }

    /// <exception cref="EndOfStreamException">The peer closed the connection.</exception>
    /// <exception cref="ProtocolViolationException">The frame is larger than the limit.</exception>
    public ReadOnlyMemory<byte> ReadFrame()
    {
        if (_start == _end && _buffer.Length > KeepBufferLimit)
        {
            // The frame that grew the buffer is consumed (payloads live only until this call): give the memory back.
            _buffer = new byte[InitialBufferSize];
            _start = 0;
            _end = 0;
        }

        Fill(ProtocolConstants.LengthPrefixSize);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        if (length > (uint)_maxFrameSize)
        {
            throw new ProtocolViolationException($"Frame of {length} bytes exceeds the limit of {_maxFrameSize} bytes.");
        }

        int total = ProtocolConstants.LengthPrefixSize + (int)length;
        Fill(total);
        ReadOnlyMemory<byte> payload = _buffer.AsMemory(_start + ProtocolConstants.LengthPrefixSize, (int)length);
        _start += total;
        return payload;
    }

    private void Fill(int needed)
    {
        if (_end - _start >= needed)
        {
            return;
        }

        if (_buffer.Length - _start < needed)
        {
            MakeRoom(needed);
        }

        while (_end - _start < needed)
        {
            int received = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (received == 0)
            {
                throw new EndOfStreamException("The peer closed the connection.");
            }

            _end += received;
            Volatile.Write(ref _received, _received + received);
        }
    }

    private void MakeRoom(int needed)
    {
        int buffered = _end - _start;
        byte[] target = needed > _buffer.Length ? new byte[Math.Max(needed, _buffer.Length * 2)] : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
        _buffer = target;
        _start = 0;
        _end = buffered;
    }
}
