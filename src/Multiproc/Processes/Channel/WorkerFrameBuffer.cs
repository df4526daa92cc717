using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Multiproc.Processes.Channel;

/// <summary>A reusable buffer that holds one or more frames ready to be written in one call.</summary>
/// <remarks>Not thread-safe: a buffer belongs to one writer at a time.</remarks>
internal sealed class WorkerFrameBuffer
{
    /// <summary>The size of the length prefix plus the kind byte.</summary>
    public const int HeaderSize = 5;

    private readonly ArrayBufferWriter<byte> _buffer;
    private int _frameStart = -1;

    /// <summary>Creates a buffer with an initial capacity in bytes.</summary>
    public WorkerFrameBuffer(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    /// <summary>Gets the body writer of the frame begun by <see cref="Begin"/>.</summary>
    public IBufferWriter<byte> Body => _buffer;

    /// <summary>Gets every complete frame written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    /// <summary>Starts a frame of <paramref name="kind"/>; write its body to <see cref="Body"/>.</summary>
    public void Begin(WorkerFrameKind kind)
    {
        _frameStart = _buffer.WrittenCount;
        Span<byte> header = _buffer.GetSpan(HeaderSize);
        header[4] = (byte)kind;
        _buffer.Advance(HeaderSize);
    }

    /// <summary>Completes the current frame by writing its length prefix.</summary>
    public void End()
    {
        int length = _buffer.WrittenCount - _frameStart - 4;
        Span<byte> written = MemoryMarshal.AsMemory(_buffer.WrittenMemory).Span;
        BinaryPrimitives.WriteInt32LittleEndian(written.Slice(_frameStart, 4), length);
        _frameStart = -1;
    }

    /// <summary>Writes a frame whose body is <paramref name="body"/>.</summary>
    public void Append(WorkerFrameKind kind, ReadOnlySpan<byte> body)
    {
        Begin(kind);
        _buffer.Write(body);
        End();
    }

    /// <summary>Forgets everything written, keeping the capacity.</summary>
    public void Clear()
    {
        _buffer.ResetWrittenCount();
        _frameStart = -1;
    }

    /// <summary>Writes all complete frames to <paramref name="stream"/>, then clears.</summary>
    public void WriteTo(Stream stream)
    {
        stream.Write(_buffer.WrittenSpan);
        Clear();
    }
}
