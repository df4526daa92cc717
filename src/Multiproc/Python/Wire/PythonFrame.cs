using System.Buffers.Binary;

namespace Multiproc.Python.Wire;

/// <summary>
/// The frame header of CPython's <c>multiprocessing.connection</c>: a 4-byte big-endian signed length, or
/// <c>-1</c> followed by an 8-byte big-endian unsigned length for payloads over 2 GiB.
/// </summary>
/// <remarks>
/// CPython 3.8+ writes the long form only for payloads over <see cref="int.MaxValue"/> bytes, but reads it for any
/// length, so a reader accepts a short payload in the long form too. Any other negative length is refused.
/// </remarks>
internal static class PythonFrame
{
    /// <summary>The size of the short header.</summary>
    public const int ShortHeaderSize = 4;

    /// <summary>The size of the long header: <c>-1</c> and an 8-byte length.</summary>
    public const int LongHeaderSize = 4 + 8;

    /// <summary>The largest frame CPython accepts during authentication (<c>recv_bytes(256)</c>).</summary>
    public const int MaxHandshakeFrameLength = 256;

    /// <summary>The short-header value that announces the 8-byte length.</summary>
    public const int LongLengthMarker = -1;

    /// <summary>Writes the header for a payload of <paramref name="length"/> bytes and returns its size.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="target"/> is shorter than the header.</exception>
    public static int WriteHeader(Span<byte> target, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= int.MaxValue)
        {
            BinaryPrimitives.WriteInt32BigEndian(target, (int)length);
            return ShortHeaderSize;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(target.Length, LongHeaderSize, nameof(target));
        BinaryPrimitives.WriteInt32BigEndian(target, LongLengthMarker);
        BinaryPrimitives.WriteUInt64BigEndian(target[ShortHeaderSize..], (ulong)length);
        return LongHeaderSize;
    }

    /// <summary>Checks a declared payload length against <paramref name="maxLength"/> before anything is allocated for it.</summary>
    /// <exception cref="ProtocolViolationException">The length is over <paramref name="maxLength"/>.</exception>
    public static int CheckLength(ulong length, int maxLength)
        => length <= (ulong)maxLength
            ? (int)length
            : throw new ProtocolViolationException($"The peer announced a {length}-byte frame; the limit is {maxLength} bytes.");

    /// <summary>Reads a short header's length: the payload length, or <see cref="LongLengthMarker"/>.</summary>
    /// <exception cref="ProtocolViolationException">A negative length other than <see cref="LongLengthMarker"/>.</exception>
    public static int ReadShortLength(ReadOnlySpan<byte> header)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(header);
        return length >= LongLengthMarker
            ? length
            : throw new ProtocolViolationException($"The peer sent a frame header with the negative length {length}.");
    }
}
