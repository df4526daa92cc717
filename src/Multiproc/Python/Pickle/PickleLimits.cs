namespace Multiproc.Python.Pickle;

/// <summary>The bounds a <see cref="PickleReader"/> enforces on untrusted input.</summary>
/// <remarks>Each bound fails the load with <see cref="ProtocolViolationException"/> before memory or time grows past
/// it: declared lengths are checked against the bytes left before anything is allocated, and nothing in the reader
/// recurses, so a bomb costs at most a pass over its own bytes.</remarks>
/// <param name="MaxInputBytes">The largest pickle accepted (default 64 MiB).</param>
/// <param name="MaxDepth">The deepest nesting of containers in the result, and the most open MARKs (default 200).</param>
/// <param name="MaxMemoEntries">The most memo entries (default 1,000,000).</param>
/// <param name="MaxElements">The most container items placed over the whole load, and the most values in the
/// result counted as a tree (a value shared through the memo counts each time it appears) (default 1,000,000).</param>
internal sealed record PickleLimits(
    int MaxInputBytes = 64 * 1024 * 1024,
    int MaxDepth = 200,
    int MaxMemoEntries = 1_000_000,
    int MaxElements = 1_000_000)
{
    /// <summary>Gets the default limits.</summary>
    public static PickleLimits Default { get; } = new();
}
