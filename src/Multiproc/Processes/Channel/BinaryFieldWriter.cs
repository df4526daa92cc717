using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Multiproc.Processes.Channel;

/// <summary>Writes the plain binary fields of a bootstrap or target identity: little-endian ints, flags, length-prefixed bytes and UTF-8 strings.</summary>
/// <remarks>Read back with <see cref="BinaryFieldReader"/>. Kept apart from MessagePack so a starting worker decodes its bootstrap without JIT-compiling MessagePack.</remarks>
internal sealed class BinaryFieldWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Writes a 32-bit integer.</summary>
    public void Write(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Writes a flag.</summary>
    public void Write(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    /// <summary>Writes a length-prefixed byte string.</summary>
    public void Write(ReadOnlySpan<byte> value)
    {
        Write(value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes a length-prefixed UTF-8 string.</summary>
    public void Write(string value) => Write(Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a presence flag, then the bytes if present.</summary>
    public void WriteOptional(byte[]? value)
    {
        Write(value is not null);
        if (value is not null)
        {
            Write(value.AsSpan());
        }
    }

    /// <summary>Writes a presence flag, then the string if present.</summary>
    public void WriteOptional(string? value)
    {
        Write(value is not null);
        if (value is not null)
        {
            Write(value);
        }
    }

    /// <summary>Copies the written bytes to a new array.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
