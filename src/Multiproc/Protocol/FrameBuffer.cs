using System.Buffers;
using System.Buffers.Binary;

namespace Multiproc.Protocol;

/// <summary>
/// A reusable buffer that one message is serialized into, with room reserved for the length prefix.
/// </summary>
/// <remarks>
/// One instance per thread (<see cref="Rent"/>); serialization never re-enters it on the same thread
/// because formatters only write values. Buffers that grew large are not kept.
/// </remarks>
internal sealed class FrameBuffer : IBufferWriter<byte>
{
    private const int KeepLimit = 1024 * 1024;

    [ThreadStatic]
    private static FrameBuffer? s_cached;

    private byte[] _buffer = new byte[4096];
    private int _written = ProtocolConstants.LengthPrefixSize;

    /// <summary>Gets the whole frame: length prefix and payload, after <see cref="Seal"/>.</summary>
    public ReadOnlySpan<byte> Frame => _buffer.AsSpan(0, _written);

    /// <summary>Gets the payload written so far (without the prefix).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(ProtocolConstants.LengthPrefixSize, _written - ProtocolConstants.LengthPrefixSize);

    public static FrameBuffer Rent()
    {
        FrameBuffer buffer = s_cached ?? new FrameBuffer();
        s_cached = null;
        buffer._written = ProtocolConstants.LengthPrefixSize;
        return buffer;
    }

    public static void Return(FrameBuffer buffer)
    {
        if (buffer._buffer.Length <= KeepLimit)
        {
            s_cached = buffer;
        }
    }

    /// <summary>Writes the length prefix; call once the payload is complete.</summary>
    /// <exception cref="ProtocolViolationException">The payload exceeds <paramref name="maxFrameSize"/>.</exception>
    public void Seal(int maxFrameSize)
    {
        int payload = _written - ProtocolConstants.LengthPrefixSize;
        if (payload > maxFrameSize)
        {
            throw new ProtocolViolationException($"The message is {payload} bytes, over the frame limit of {maxFrameSize} bytes.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)payload);
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 256);
        if (_buffer.Length - _written < needed)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _written + needed));
        }
    }
}
