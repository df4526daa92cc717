using System.Buffers;
using MessagePack;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The image of a built-in collection (list, dictionary, value, namespace): its content as stored values, kept
/// verbatim. The collection is rebuilt by running its create again (which fixes its element kinds and semantics)
/// and then given its content back through its own members.
/// </summary>
internal static class BuiltInImage
{
    /// <summary>Returns whether <paramref name="instance"/> is a built-in this class images.</summary>
    public static bool Handles(object instance)
        => instance is SharedListServer or SharedDictionaryServer or SharedValueServer or SharedNamespaceServer;

    /// <summary>Writes the content of <paramref name="instance"/>.</summary>
    public static byte[] Capture(object instance)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        switch (instance)
        {
            case SharedListServer list:
                WriteValues(ref writer, list.ToArray());
                break;
            case SharedDictionaryServer dictionary:
                WriteValues(ref writer, dictionary.Snapshot());
                break;
            case SharedValueServer value:
                WriteValues(ref writer, [value.Get()]);
                break;
            case SharedNamespaceServer space:
                string[] names = space.Names();
                writer.WriteArrayHeader(names.Length * 2);
                foreach (string name in names)
                {
                    writer.Write(name);
                    ClusterEncodedValueFormatter.Instance.Serialize(ref writer, space.TryGet(name)[0], MessagePackSerializerOptions.Standard);
                }

                break;
            default:
                throw new ArgumentException($"{instance.GetType().Name} is not a built-in collection.", nameof(instance));
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Gives a freshly created built-in the content <see cref="Capture"/> wrote.</summary>
    /// <exception cref="MessagePackSerializationException">The image is malformed.</exception>
    public static void Restore(object instance, byte[] image)
    {
        var reader = new MessagePackReader(image);
        switch (instance)
        {
            case SharedListServer list:
                list.Clear();
                list.AddRange(ReadValues(ref reader));
                break;
            case SharedDictionaryServer dictionary:
                dictionary.Clear();
                dictionary.SetMany(ReadValues(ref reader));
                break;
            case SharedValueServer value:
                value.Set(ReadValues(ref reader).Single());
                break;
            case SharedNamespaceServer space:
                int count = reader.ReadArrayHeader() / 2;
                foreach (string name in space.Names())
                {
                    space.Remove(name);
                }

                for (int i = 0; i < count; i++)
                {
                    string name = reader.ReadString() ?? throw new MessagePackSerializationException("A namespace image holds a nil name.");
                    space.Set(name, ClusterEncodedValueFormatter.Instance.Deserialize(ref reader, MessagePackSerializerOptions.Standard));
                }

                break;
            default:
                throw new ArgumentException($"{instance.GetType().Name} is not a built-in collection.", nameof(instance));
        }
    }

    private static void WriteValues(ref MessagePackWriter writer, EncodedValue[] values)
    {
        writer.WriteArrayHeader(values.Length);
        foreach (EncodedValue value in values)
        {
            ClusterEncodedValueFormatter.Instance.Serialize(ref writer, value, MessagePackSerializerOptions.Standard);
        }
    }

    private static EncodedValue[] ReadValues(ref MessagePackReader reader)
    {
        var values = new EncodedValue[reader.ReadArrayHeader()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ClusterEncodedValueFormatter.Instance.Deserialize(ref reader, MessagePackSerializerOptions.Standard);
        }

        return values;
    }
}
