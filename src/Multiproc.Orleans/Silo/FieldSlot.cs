using System.Buffers;
using System.Reflection;
using MessagePack;

namespace Multiproc.Orleans.Silo;

/// <summary>One field of a <see cref="FieldImage"/>: its name as the image stores it, and how to read and set it.</summary>
/// <remarks>Built once per field (<see cref="FieldSlot{T}"/>); capturing an object then costs no reflection.</remarks>
internal abstract class FieldSlot
{
    protected FieldSlot(string name)
    {
        Name = name;
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.Write(name);
        writer.Flush();
        EncodedName = buffer.WrittenSpan.ToArray();
    }

    /// <summary>Gets the field's name in the image (qualified by its declaring type when a derived type reuses it).</summary>
    public string Name { get; }

    /// <summary>Gets <see cref="Name"/> as a MessagePack string, written verbatim at every capture.</summary>
    public byte[] EncodedName { get; }

    /// <summary>Creates the slot of <paramref name="field"/>.</summary>
    public static FieldSlot Create(FieldInfo field, string name)
        => (FieldSlot)Activator.CreateInstance(typeof(FieldSlot<>).MakeGenericType(field.FieldType), field, name)!;

    /// <summary>Writes the field's value of <paramref name="instance"/>.</summary>
    public abstract void Write(ref MessagePackWriter writer, object instance, MessagePackSerializerOptions options);

    /// <summary>Reads a value and sets it as the field's value of <paramref name="instance"/>.</summary>
    public abstract void Read(ref MessagePackReader reader, object instance, MessagePackSerializerOptions options);
}
