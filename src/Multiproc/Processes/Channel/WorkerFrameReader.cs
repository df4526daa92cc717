using Multiproc.Protocol;

namespace Multiproc.Processes.Channel;

/// <summary>Reads the worker channel's frames: the one length-prefixed reader, whose payload starts with the kind byte.</summary>
/// <remarks>
/// Not thread-safe. The body returned by a read stays valid only until the next read.
/// A frame larger than <see cref="MaxFrameLength"/>, or without a kind byte, is a protocol violation
/// (<see cref="InvalidDataException"/>).
/// </remarks>
internal sealed class WorkerFrameReader
{
    /// <summary>The largest frame accepted: 1 GiB.</summary>
    public const int MaxFrameLength = 1 << 30;

    private readonly FrameReader _frames;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    public WorkerFrameReader(Stream stream, int initialCapacity = 4096)
    {
        _frames = new FrameReader(stream, MaxFrameLength, initialCapacity);
    }

    /// <summary>Blocks until a whole frame arrives; returns <see langword="false"/> at end of stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    /// <exception cref="InvalidDataException">The frame is empty or over the limit.</exception>
    public bool TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body)
    {
        bool read;
        ReadOnlyMemory<byte> payload;
        try
        {
            read = _frames.TryReadFrame(out payload);
        }
        catch (ProtocolViolationException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        if (!read)
        {
            kind = default;
            body = default;
            return false;
        }

        (kind, body) = Split(payload);
        return true;
    }

    /// <summary>Waits for a whole frame; returns <see langword="null"/> at end of stream.</summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    /// <exception cref="InvalidDataException">The frame is empty or over the limit.</exception>
    public async ValueTask<(WorkerFrameKind Kind, ReadOnlyMemory<byte> Body)?> ReadAsync(CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? payload;
        try
        {
            payload = await _frames.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProtocolViolationException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        return payload is { } frame ? Split(frame) : null;
    }

    private static (WorkerFrameKind Kind, ReadOnlyMemory<byte> Body) Split(ReadOnlyMemory<byte> payload)
        => payload.IsEmpty
            ? throw new InvalidDataException("Invalid worker frame length 0: a frame starts with its kind.")
            : ((WorkerFrameKind)payload.Span[0], payload[1..]);
}
