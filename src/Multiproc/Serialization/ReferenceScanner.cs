using MessagePack;

namespace Multiproc.Serialization;

/// <summary>Finds the shared-object references inside encoded MessagePack data without decoding its types.</summary>
/// <remarks>
/// Iterative (an explicit stack of open arrays and maps), so no input can overflow the thread's
/// stack; the depth limit is the caller's policy, not a safety net.
/// </remarks>
internal static class ReferenceScanner
{
    /// <summary>Reads one value and returns the object ids of every reference in it.</summary>
    /// <param name="reader">Positioned at the value; left after it.</param>
    /// <param name="maxDepth">The deepest nesting of arrays and maps allowed (a top-level array is level 1).</param>
    /// <exception cref="MessagePackSerializationException">The value nests deeper than <paramref name="maxDepth"/>, or is malformed.</exception>
    /// <exception cref="EndOfStreamException">The value is truncated.</exception>
    public static List<long> Find(ref MessagePackReader reader, int maxDepth)
    {
        var found = new List<long>();
        Collect(ref reader, maxDepth, found);
        return found;
    }

    /// <summary>Reads one value and adds the object ids of its references to <paramref name="found"/> as they are met.</summary>
    /// <remarks>On failure <paramref name="found"/> keeps the references met before the error.</remarks>
    /// <exception cref="MessagePackSerializationException">The value nests deeper than <paramref name="maxDepth"/>, or is malformed.</exception>
    /// <exception cref="EndOfStreamException">The value is truncated.</exception>
    public static void Collect(ref MessagePackReader reader, int maxDepth, List<long> found)
    {
        // Items still to read in each enclosing array or map; its count is the current nesting level.
        var open = new Stack<long>();
        long remaining = 1;
        while (true)
        {
            while (remaining == 0)
            {
                if (open.Count == 0)
                {
                    return;
                }

                remaining = open.Pop();
            }

            remaining--;
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array:
                    Open(open, ref remaining, reader.ReadArrayHeader(), maxDepth);
                    break;
                case MessagePackType.Map:
                    Open(open, ref remaining, 2L * reader.ReadMapHeader(), maxDepth);
                    break;
                case MessagePackType.Extension:
                    MessagePackReader peek = reader.CreatePeekReader();
                    if (peek.ReadExtensionFormatHeader().TypeCode == ExtensionCodes.Reference)
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

    private static void Open(Stack<long> open, ref long remaining, long items, int maxDepth)
    {
        if (open.Count >= maxDepth)
        {
            throw new MessagePackSerializationException($"The value nests deeper than {maxDepth} levels.");
        }

        open.Push(remaining);
        remaining = items;
    }
}
