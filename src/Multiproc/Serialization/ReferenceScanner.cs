using MessagePack;

namespace Multiproc.Serialization;

/// <summary>Finds the shared-object references inside encoded MessagePack data without decoding its types.</summary>
/// <remarks>Iterative (<see cref="ExtensionWalker"/>), so no input can overflow the thread's stack.</remarks>
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
        var visitor = new IdCollector(found);
        ExtensionWalker.Walk(ref reader, ExtensionCodes.Reference, maxDepth, ref visitor);
    }

    private readonly struct IdCollector(List<long> found) : IExtensionVisitor
    {
        public void Visit(ref MessagePackReader reader)
            => found.Add(ReferenceAwareFormatter<object>.ReadReference(ref reader).ObjectId);
    }
}
