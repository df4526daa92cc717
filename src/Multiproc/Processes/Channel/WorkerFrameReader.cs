using System.Buffers.Binary;

namespace Multiproc.Processes.Channel;

/// <summary>Reads length-prefixed frames from a stream.</summary>
/// <remarks>
/// Not thread-safe. The body returned by a read stays valid only until the next read.
/// A frame larger than <see cref="MaxFrameLength"/> is a protocol violation (<see cref="InvalidDataException"/>).
/// </remarks>
internal sealed class WorkerFrameReader
{
    /// <summary>The largest frame accepted: 1 GiB.</summary>
    public const int MaxFrameLength = 1 << 30;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    public WorkerFrameReader(Stream stream, int initialCapacity = 4096)
    {
        _stream = stream;
        _buffer = new byte[initialCapacity];
    }

    /// <summary>Blocks until a whole frame arrives; returns <see langword="false"/> at end of stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    public bool TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body)
    {
        int needed;
        while (!TryTake(out kind, out body, out needed))
        {
            Reserve(needed);
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return AtFrameBoundary();
            }

            _end += read;
        }

        return true;
    }

    /// <summary>Waits for a whole frame; returns <see langword="null"/> at end of stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    public async ValueTask<(WorkerFrameKind Kind, ReadOnlyMemory<byte> Body)?> ReadAsync(CancellationToken cancellationToken)
    {
        int needed;
        WorkerFrameKind kind;
        ReadOnlyMemory<byte> body;
        while (!TryTake(out kind, out body, out needed))
        {
            Reserve(needed);
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                AtFrameBoundary();
                return null;
            }

            _end += read;
        }

        return (kind, body);
    }

    private bool TryTake(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body, out int needed)
    {
        int available = _end - _start;
        if (available >= WorkerFrameBuffer.HeaderSize)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start, 4));
            if (length is < 1 or > MaxFrameLength)
            {
                throw new InvalidDataException($"Invalid worker frame length {length}.");
            }

            if (available - 4 >= length)
            {
                kind = (WorkerFrameKind)_buffer[_start + 4];
                body = _buffer.AsMemory(_start + WorkerFrameBuffer.HeaderSize, length - 1);
                _start += 4 + length;
                needed = 0;
                return true;
            }

            needed = 4 + length;
        }
        else
        {
            needed = WorkerFrameBuffer.HeaderSize;
        }

        kind = default;
        body = default;
        return false;
    }

    private void Reserve(int frameLength)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_buffer.Length - _start >= frameLength && _end < _buffer.Length)
        {
            return;
        }

        int unread = _end - _start;
        byte[] target = frameLength > _buffer.Length ? new byte[Math.Max(frameLength, _buffer.Length * 2)] : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, unread);
        _buffer = target;
        _start = 0;
        _end = unread;
    }

    private bool AtFrameBoundary()
        => _start == _end ? false : throw new EndOfStreamException("The worker channel ended inside a frame.");
}
