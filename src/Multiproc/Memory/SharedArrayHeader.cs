using System.Buffers.Binary;

namespace Multiproc.Memory;

/// <summary>The header at the start of a <see cref="SharedArray{T}"/> block, which lets <c>Open</c> check what it attaches to.</summary>
/// <remarks>
/// Layout (little-endian): offset 0 magic "MPSA" (uint32), 4 version (uint16), 6 reserved,
/// 8 element size (int32), 12 reserved, 16 length (int64), then zero padding; the elements
/// start at <see cref="Size"/>, which keeps them cache-line aligned so atomic operations on
/// 8-byte elements are always naturally aligned.
/// </remarks>
internal static class SharedArrayHeader
{
    /// <summary>The size of the header in bytes, and the offset of element 0.</summary>
    public const int Size = 64;

    /// <summary>"MPSA" read as a little-endian uint32.</summary>
    public const uint Magic = 0x4153504D;

    /// <summary>The layout version written by this code.</summary>
    public const ushort Version = 1;

    private const int VersionOffset = 4;
    private const int ElementSizeOffset = 8;
    private const int LengthOffset = 16;

    /// <summary>Writes a header; the magic goes last, so a reader that sees it sees the rest.</summary>
    /// <param name="block">The first <see cref="Size"/> bytes of the block.</param>
    /// <param name="elementSize">The size of one element.</param>
    /// <param name="length">The number of elements.</param>
    public static void Write(Span<byte> block, int elementSize, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(block[VersionOffset..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(block[ElementSizeOffset..], elementSize);
        BinaryPrimitives.WriteInt64LittleEndian(block[LengthOffset..], length);
        Thread.MemoryBarrier();
        BinaryPrimitives.WriteUInt32LittleEndian(block, Magic);
    }

    /// <summary>Checks a block's header against what the caller expects and returns the element count.</summary>
    /// <param name="block">The whole block.</param>
    /// <param name="name">The block's name, for messages.</param>
    /// <param name="elementSize">The element size the caller expects.</param>
    /// <param name="expectedLength">The length the caller expects, or <see langword="null"/> to accept the stored one.</param>
    /// <returns>The number of elements.</returns>
    /// <exception cref="InvalidDataException">The block is not an array of this element size and length, or is truncated.</exception>
    public static int Validate(SharedMemory block, string name, int elementSize, int? expectedLength)
    {
        if (block.Length < Size)
        {
            throw new InvalidDataException($"The shared memory block '{name}' is too small ({block.Length} bytes) to be a shared array.");
        }

        ReadOnlySpan<byte> header = block.GetSpan(0, Size);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new InvalidDataException($"The shared memory block '{name}' is not a shared array (bad magic).");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]);
        if (version != Version)
        {
            throw new InvalidDataException($"The shared array '{name}' has layout version {version}; this code reads version {Version}.");
        }

        int storedElementSize = BinaryPrimitives.ReadInt32LittleEndian(header[ElementSizeOffset..]);
        if (storedElementSize != elementSize)
        {
            throw new InvalidDataException($"The shared array '{name}' has {storedElementSize}-byte elements, not {elementSize}-byte elements.");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(header[LengthOffset..]);
        if (length is < 0 or > int.MaxValue || Size + (length * elementSize) > block.Length)
        {
            throw new InvalidDataException($"The shared array '{name}' has an invalid length {length} for a block of {block.Length} bytes.");
        }

        if (expectedLength is int expected && expected != length)
        {
            throw new InvalidDataException($"The shared array '{name}' has {length} elements, not {expected}.");
        }

        return (int)length;
    }
}
