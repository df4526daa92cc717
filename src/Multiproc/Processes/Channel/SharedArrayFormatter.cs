using MessagePack;
using MessagePack.Formatters;
using Multiproc.Memory;

namespace Multiproc.Processes.Channel;

/// <summary>
/// Sends a shared array to another process on this machine as [name, elementSize, length, manager reference or nil];
/// the receiver maps the same block (no copy) and, for a manager-created array, holds its own reference.
/// </summary>
internal sealed class SharedArrayFormatter<T> : IMessagePackFormatter<SharedArray<T>?>
    where T : unmanaged
{
    private static readonly ProcessReferenceFormatter<SharedObject> s_reference = new(null);

    public void Serialize(ref MessagePackWriter writer, SharedArray<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteArrayHeader(4);
        writer.Write(value.Name);
        writer.Write(value.Descriptor.ElementSize);
        writer.Write(value.Length);
        if (value.Handle is SharedObject handle)
        {
            s_reference.Serialize(ref writer, handle, options);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public SharedArray<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        if (reader.ReadArrayHeader() != 4)
        {
            throw new MessagePackSerializationException("A shared array must be [name, elementSize, length, reference].");
        }

        var descriptor = new SharedArrayDescriptor(reader.ReadString()!, reader.ReadInt32(), reader.ReadInt32());
        SharedObject? handle = reader.TryReadNil() ? null : s_reference.Deserialize(ref reader, options);
        return handle is null ? SharedArray<T>.Open(descriptor) : SharedArray<T>.OpenHeld(descriptor, handle);
    }
}
