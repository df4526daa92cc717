using System.Buffers.Binary;
using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>
/// The one reader of length-prefixed frames (a little-endian u32 length, then the payload), for
/// the manager protocol's sockets and the worker channel's streams alike.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one reader at a time. A returned payload is valid only until the next read.
/// A length prefix above the limit is rejected before anything is allocated for it.</para>
/// <para>A socket is read with blocking receives only (docs/design-decisions.md: accepted sockets
/// stay blocking); the async read is for streams. A receive that times out leaves the reader as it
/// was, so the next read goes on from there.</para>
/// </remarks>
internal sealed class FrameReader
{
    private const int DefaultInitialSize = 64 * 1024;
    private const int KeepBufferLimit = 1024 * 1024;

    private readonly ConnectionSocket? _socket;
    private readonly Stream? _stream;
    private readonly int _maxFrameSize;
    private readonly int _initialSize;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _received;

    /// <summary>A reader of a socket's frames, of at most <paramref name="maxFrameSize"/> bytes each.</summary>
    public FrameReader(ConnectionSocket socket, int maxFrameSize)
        : this(maxFrameSize, DefaultInitialSize)
    {
        _socket = socket;
    }

    /// <summary>A reader of a <see cref="Socket"/>'s frames, of at most <paramref name="maxFrameSize"/> bytes each.</summary>
    public FrameReader(Socket socket, int maxFrameSize)
        : this(new NetConnectionSocket(socket), maxFrameSize)
    {
    }

    /// <summary>A reader of a stream's frames, of at most <paramref name="maxFrameSize"/> bytes each.</summary>
    public FrameReader(Stream stream, int maxFrameSize, int initialSize = DefaultInitialSize)
        : this(maxFrameSize, initialSize)
    {
        _stream = stream;
    }

    private FrameReader(int maxFrameSize, int initialSize)
    {
        _maxFrameSize = maxFrameSize;
        _initialSize = Math.Max(initialSize, ProtocolConstants.LengthPrefixSize);
        _buffer = new byte[_initialSize];
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

    /// <summary>Blocks until a whole frame arrives and returns its payload.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection (between frames or inside one).</exception>
    /// <exception cref="ProtocolViolationException">The frame is larger than the limit.</exception>
    public ReadOnlyMemory<byte> ReadFrame()
        => TryReadFrame(out ReadOnlyMemory<byte> payload) ? payload : throw new EndOfStreamException("The peer closed the connection.");

    /// <summary>Blocks until a whole frame arrives; false when the peer closed cleanly between frames.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection inside a frame.</exception>
    /// <exception cref="ProtocolViolationException">The frame is larger than the limit.</exception>
    public bool TryReadFrame(out ReadOnlyMemory<byte> payload)
    {
        ReleaseGrownBuffer();
        int needed;
        while (!TryTake(out payload, out needed))
        {
            MakeRoom(needed);
            int received = _socket is not null
                ? _socket.Receive(_buffer.AsSpan(_end))
                : _stream!.Read(_buffer, _end, _buffer.Length - _end);
            if (received == 0)
            {
                return AtFrameBoundary();
            }

            Advance(received);
        }

        return true;
    }

    /// <summary>Waits for a whole frame (a stream reader only); null when the peer closed cleanly between frames.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection inside a frame.</exception>
    /// <exception cref="ProtocolViolationException">The frame is larger than the limit.</exception>
    /// <exception cref="InvalidOperationException">The reader reads a socket, which is read with blocking receives only.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        Stream stream = _stream ?? throw new InvalidOperationException("A socket's frames are read with blocking receives only.");
        ReleaseGrownBuffer();
        int needed;
        ReadOnlyMemory<byte> payload;
        while (!TryTake(out payload, out needed))
        {
            MakeRoom(needed);
            int received = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                AtFrameBoundary();
                return null;
            }

            Advance(received);
        }

        return payload;
    }

    /// <summary>Takes the next whole frame from the buffer, or says how many buffered bytes it needs.</summary>
    private bool TryTake(out ReadOnlyMemory<byte> payload, out int needed)
    {
        int available = _end - _start;
        if (available < ProtocolConstants.LengthPrefixSize)
        {
            payload = default;
            needed = ProtocolConstants.LengthPrefixSize;
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start));
        if (length > (uint)_maxFrameSize)
        {
            throw new ProtocolViolationException($"Frame of {length} bytes exceeds the limit of {_maxFrameSize} bytes.");
        }

        needed = ProtocolConstants.LengthPrefixSize + (int)length;
        if (available < needed)
        {
            payload = default;
            return false;
        }

        payload = _buffer.AsMemory(_start + ProtocolConstants.LengthPrefixSize, (int)length);
        _start += needed;
        return true;
    }

    private void Advance(int received)
    {
        _end += received;
        Volatile.Write(ref _received, _received + received);
    }

    /// <summary>Makes room for <paramref name="needed"/> bytes from the frame's start: compacts, or grows.</summary>
    private void MakeRoom(int needed)
    {
        if (_buffer.Length - _start >= needed)
        {
            return;
        }

        int buffered = _end - _start;
        byte[] target = needed > _buffer.Length ? new byte[Math.Max(needed, _buffer.Length * 2)] : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
        _buffer = target;
        _start = 0;
        _end = buffered;
    }

    /// <summary>Gives back a buffer a large frame grew, once that frame is consumed (payloads live only until the next read).</summary>
    private void ReleaseGrownBuffer()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
            if (_buffer.Length > Math.Max(KeepBufferLimit, _initialSize))
            {
                _buffer = new byte[_initialSize];
            }
        }
    }

    private bool AtFrameBoundary()
        => _start == _end ? false : throw new EndOfStreamException("The connection ended inside a frame.");
}
