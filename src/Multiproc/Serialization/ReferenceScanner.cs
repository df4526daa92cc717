using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Serialization;

/// <summary>Finds the shared-object references inside encoded MessagePack data without decoding its types.</summary>
internal static class ReferenceScanner
{
    private const int MaxDepth = 64;

    /// <summary>Reads one value and returns the object ids of every reference in it.</summary>
    public static List<long> Find(ref MessagePackReader reader)
    {
        var found = new List<long>();
        Scan(ref reader, found, 0);
        return found;
    }

    private static void Scan(ref MessagePackReader reader, List<long> found, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new MessagePackSerializationException("Data nests too deeply.");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Array:
                int items = reader.ReadArrayHeader();
                for (int i = 0; i < items; i++)
                {
                    Scan(ref reader, found, depth + 1);
                }

                break;
            case MessagePackType.Map:
                int pairs = reader.ReadMapHeader();
                for (int i = 0; i < pairs * 2; i++)
                {
                    Scan(ref reader, found, depth + 1);
                }

                break;
            case MessagePackType.Extension:
                MessagePackReader peek = reader.CreatePeekReader();
                if (peek.ReadExtensionFormatHeader().TypeCode == ProtocolConstants.ReferenceExtensionCode)
                {
                    found.Add(ReferenceAwareFormatter<object>.ReadReference(ref reader).ObjectId);
                }
                else
                {
                    reader.Skip();
                }

                break;
            default:
                reader.Skip();
                break;
        }
    }
}
