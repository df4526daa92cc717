namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>list</c>: mutable, unhashable, distinct from a tuple.</summary>
/// <remarks>Equality is by reference here; <see cref="PythonEquality"/> compares items the Python way.</remarks>
internal sealed class PyList
{
    /// <summary>Creates an empty list.</summary>
    public PyList()
    {
    }

    /// <summary>Creates a list of <paramref name="items"/> (copied).</summary>
    public PyList(IEnumerable<object?> items) => Items.AddRange(items);

    /// <summary>Gets the items, which callers may change.</summary>
    public List<object?> Items { get; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"list[{Items.Count}]";
}
