namespace Multiproc.Python.Pickle;

/// <summary>The nesting depth and tree size that immutable containers carry from construction.</summary>
/// <remarks>Tuples and frozensets are hashed and compared recursively as keys, and the memo can share one tuple many
/// times over (<c>t = (t, t)</c> forty times is 2**40 items in 400 bytes), so the reader checks both as each is
/// built, before any hash runs.</remarks>
internal static class PythonDepth
{
    /// <summary>The depth of a value as far as immutables record it: a tuple's or frozenset's own depth, else 0.</summary>
    public static int Of(object? value) => value switch
    {
        PyTuple tuple => tuple.Depth,
        PyFrozenSet set => set.Depth,
        _ => 0,
    };

    /// <summary>The number of values in <paramref name="value"/> counted as a tree: a tuple's or frozenset's own size, else 1.</summary>
    public static long SizeOf(object? value) => value switch
    {
        PyTuple tuple => tuple.TreeSize,
        PyFrozenSet set => set.TreeSize,
        _ => 1,
    };

    /// <summary>One (the container) plus the <see cref="SizeOf"/> of each item, saturating far below overflow.</summary>
    public static long TreeSizeOf(IEnumerable<object?> items)
    {
        long size = 1;
        foreach (object? item in items)
        {
            size = Math.Min(size + SizeOf(item), long.MaxValue / 2);
        }

        return size;
    }

    /// <summary>The largest <see cref="Of"/> among <paramref name="items"/>.</summary>
    public static int MaxOf(IEnumerable<object?> items)
    {
        int max = 0;
        foreach (object? item in items)
        {
            max = Math.Max(max, Of(item));
        }

        return max;
    }
}
