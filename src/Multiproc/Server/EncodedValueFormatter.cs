using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Serialization;

namespace Multiproc.Server;

/// <summary>
/// Reads one MessagePack value as raw bytes (resolving the references inside) and writes it back
/// verbatim, giving the receiving connection its own reference to each object inside.
/// </summary>
/// <remarks>
/// Reading never recurses (MessagePack's skip and <see cref="ReferenceScanner"/> are iterative), and a
/// stored value may nest at most <see cref="SerializationLimits.MaxDepth"/> levels, the limit typed
/// decoding applies, so a container never holds a value no client could read back. Writing copies
/// bytes, so no value can make it recurse.
/// </remarks>
internal sealed class EncodedValueFormatter : IMessagePackFormatter<EncodedValue>
{
    private readonly ServerReferenceCodec _codec;

    public EncodedValueFormatter(ServerReferenceCodec codec)
    {
        _codec = codec;
    }

    public void Serialize(ref MessagePackWriter writer, EncodedValue value, MessagePackSerializerOptions options)
    {
        if (value.IsDefault)
        {
            writer.WriteNil();
            return;
        }

        if (value.References is { } references)
        {
            foreach (ObjectEntry entry in references)
            {
                if (value.TransfersReferences)
                {
                    _codec.Transfer(entry);
                }
                else
                {
                    _codec.HandOut(entry);
                }
            }
        }

        writer.WriteRaw(value.Bytes);
    }

    public EncodedValue Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        ReadOnlySequence<byte> raw = reader.ReadRaw();
        byte[] bytes = raw.ToArray();
        var scan = new MessagePackReader(bytes);
        List<long> ids = ReferenceScanner.Find(ref scan, SerializationLimits.MaxDepth);
        if (ids.Count == 0)
        {
            return new EncodedValue(bytes, null);
        }

        ObjectEntry[] references = new ObjectEntry[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            references[i] = _codec.Resolve(ids[i]);
        }

        return new EncodedValue(bytes, references);
    }
}
