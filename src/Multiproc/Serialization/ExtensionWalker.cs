using MessagePack;

namespace Multiproc.Serialization;

/// <summary>What <see cref="ExtensionWalker.Walk"/> calls for each extension value of the code it looks for.</summary>
internal interface IExtensionVisitor
{
    /// <summary>Reads one extension value, header and body.</summary>
    /// <param name="reader">Positioned at the extension's header; must be left after its body.</param>
    void Visit(ref MessagePackReader reader);
}

/// <summary>
/// Walks encoded MessagePack data without decoding its types, stopping at every extension value of
/// one type code: how references inside a value are found before (or without) decoding it.
/// </summary>
/// <remarks>
/// Iterative (an explicit stack of open arrays and maps), so no input can overflow the thread's
/// stack; the depth limit is the caller's policy, not a safety net.
/// </remarks>
internal static class ExtensionWalker
{
    /// <summary>Reads one value and calls <paramref name="visitor"/> for each extension of <paramref name="typeCode"/> in it, in order.</summary>
    /// <param name="reader">Positioned at the value; left after it.</param>
    /// <param name="typeCode">The extension type code to stop at; every other value is skipped.</param>
    /// <param name="maxDepth">The deepest nesting of arrays and maps allowed (a top-level array is level 1).</param>
    /// <param name="visitor">Called at each matching extension; a struct visitor is not copied.</param>
    /// <exception cref="MessagePackSerializationException">The value nests deeper than <paramref name="maxDepth"/>, or is malformed.</exception>
    /// <exception cref="EndOfStreamException">The value is truncated.</exception>
    public static void Walk<TVisitor>(ref MessagePackReader reader, sbyte typeCode, int maxDepth, ref TVisitor visitor)
        where TVisitor : IExtensionVisitor
    {
        // Items still to read in each enclosing array or map; depth is the current nesting level.
        // An array, not Stack<long>: the framework's images lack that instantiation, and JIT-compiling
        // it is a cost a new worker pays on its first walk (docs/performance.md).
        long[]? open = null;
        int depth = 0;
        long remaining = 1;
        while (true)
        {
            while (remaining == 0)
            {
                if (depth == 0)
                {
                    return;
                }

                remaining = open![--depth];
            }

            remaining--;
            switch (reader.NextMessagePackType)
            {
                case MessagePackType.Array:
                    Open(ref open, ref depth, ref remaining, reader.ReadArrayHeader(), maxDepth);
                    break;
                case MessagePackType.Map:
                    Open(ref open, ref depth, ref remaining, 2L * reader.ReadMapHeader(), maxDepth);
                    break;
                case MessagePackType.Extension when reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == typeCode:
                    visitor.Visit(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private static void Open(ref long[]? open, ref int depth, ref long remaining, long items, int maxDepth)
    {
        if (depth >= maxDepth)
        {
            throw new MessagePackSerializationException($"The value nests deeper than {maxDepth} levels.");
        }

        open ??= new long[8];
        if (depth == open.Length)
        {
            Array.Resize(ref open, depth * 2);
        }

        open[depth++] = remaining;
        remaining = items;
    }
}
