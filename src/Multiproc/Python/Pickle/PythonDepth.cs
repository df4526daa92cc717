namespace Multiproc.Python.Pickle;

/// <summary>The nesting depth that immutable containers carry from construction.</summary>
internal static class PythonDepth
{
    /// <summary>The depth of a value as far as immutables record it: a tuple's or frozenset's own depth, else 0.</summary>
    public static int Of(object? value) => value switch
    {
        PyTuple tuple => tuple.Depth,
        PyFrozenSet set => set.Depth,
        _ => 0,
    };

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
