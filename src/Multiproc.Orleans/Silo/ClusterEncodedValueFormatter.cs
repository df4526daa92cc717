using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Serialization;
using Multiproc.Server;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// Reads and writes a built-in collection's stored value (<see cref="EncodedValue"/>) verbatim, as a
/// manager does, but holds no references: in a cluster a reference inside a value is just its
/// <c>[objectId, typeId]</c>, and objects live until deleted, not while something refers to them.
/// </summary>
/// <remarks>
/// Reading walks the value once, without recursion, only to refuse one nested deeper than
/// <see cref="SerializationLimits.MaxDepth"/>, as a manager does: no client could read it back.
/// </remarks>
internal sealed class ClusterEncodedValueFormatter : IMessagePackFormatter<EncodedValue>
{
    public static ClusterEncodedValueFormatter Instance { get; } = new();

    public void Serialize(ref MessagePackWriter writer, EncodedValue value, MessagePackSerializerOptions options)
    {
        if (value.IsDefault)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteRaw(value.Bytes);
    }

    public EncodedValue Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        byte[] bytes = reader.ReadRaw().ToArray();
        var scan = new MessagePackReader(bytes);
        ReferenceScanner.Find(ref scan, SerializationLimits.MaxDepth);
        return new EncodedValue(bytes, references: null);
    }
}
