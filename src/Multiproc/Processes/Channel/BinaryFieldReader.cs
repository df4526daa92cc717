using System.Buffers.Binary;
using System.Text;

namespace Multiproc.Processes.Channel;

/// <summary>Reads fields written by <see cref="BinaryFieldWriter"/>.</summary>
/// <remarks>
/// Strings that are pure ASCII (paths and type names, nearly always) are widened by hand: the
/// first call into the vectorized UTF-8 decoder JIT-compiles it, ~5 ms of a worker's start.
/// </remarks>
internal ref struct BinaryFieldReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public BinaryFieldReader(ReadOnlySpan<byte> data)
    {
        _remaining = data;
    }

    /// <summary>Gets whether fields follow (a later version's trailing, optional ones).</summary>
    public readonly bool HasMore => !_remaining.IsEmpty;

    /// <summary>Reads a 32-bit integer.</summary>
    /// <exception cref="EndOfStreamException">The data is truncated.</exception>
    public int ReadInt32()
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        return value;
    }

    /// <summary>Reads a flag.</summary>
    public bool ReadBoolean() => Take(1)[0] != 0;

    /// <summary>Reads a length-prefixed byte string (a view into the data).</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(ReadInt32());

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = ReadBytes();
        foreach (byte b in bytes)
        {
            if (b >= 0x80)
            {
                return Encoding.UTF8.GetString(bytes);
            }
        }

        Span<char> chars = bytes.Length <= 512 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[i] = (char)bytes[i];
        }

        return new string(chars);
    }

    /// <summary>Reads bytes written by <see cref="BinaryFieldWriter.WriteOptional(byte[])"/>.</summary>
    public byte[]? ReadOptionalBytes() => ReadBoolean() ? ReadBytes().ToArray() : null;

    /// <summary>Reads a string written by <see cref="BinaryFieldWriter.WriteOptional(string)"/>.</summary>
    public string? ReadOptionalString() => ReadBoolean() ? ReadString() : null;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _remaining.Length)
        {
            throw new EndOfStreamException("A worker bootstrap field is truncated.");
        }

        ReadOnlySpan<byte> taken = _remaining[..count];
        _remaining = _remaining[count..];
        return taken;
    }
}
