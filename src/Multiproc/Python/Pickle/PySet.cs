namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>set</c>: mutable, unhashable, members by Python equality.</summary>
/// <remarks>Members must be hashable (<see cref="PythonTypeErrorException"/> otherwise). Iteration order is not
/// Python's (Python's is hash order, which no client may rely on).</remarks>
internal sealed class PySet
{
    /// <summary>Creates an empty set.</summary>
    public PySet()
    {
    }

    /// <summary>Creates a set of <paramref name="items"/>.</summary>
    /// <exception cref="PythonTypeErrorException">An item is unhashable.</exception>
    public PySet(IEnumerable<object?> items) => Items.UnionWith(items);

    /// <summary>Gets the members, which callers may change.</summary>
    public HashSet<object?> Items { get; } = new(PythonEquality.Instance);

    /// <inheritdoc/>
    public override string ToString() => $"set[{Items.Count}]";
}
