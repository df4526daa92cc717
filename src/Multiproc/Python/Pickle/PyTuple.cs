using System.Collections;

namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>tuple</c>: immutable, hashable when its items are, distinct from a list.</summary>
/// <remarks>Tuples record their nesting depth when built, so a reader can refuse a deep chain of
/// <c>TUPLE1</c> before anything recurses into it (hashing a key does).</remarks>
internal sealed class PyTuple : IReadOnlyList<object?>
{
    private readonly object?[] _items;

    /// <summary>Creates a tuple of <paramref name="items"/> (copied).</summary>
    public PyTuple(params ReadOnlySpan<object?> items)
    {
        _items = items.ToArray();
        Depth = 1 + PythonDepth.MaxOf(_items);
        TreeSize = PythonDepth.TreeSizeOf(_items);
    }

    /// <summary>Gets the empty tuple.</summary>
    public static PyTuple Empty { get; } = new();

    /// <summary>Gets the nesting depth through tuples and frozensets (1 for a tuple of scalars).</summary>
    public int Depth { get; }

    /// <summary>Gets the number of values counted as a tree through tuples and frozensets (itself included).</summary>
    public long TreeSize { get; }

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public object? this[int index] => _items[index];

    /// <inheritdoc/>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PyTuple && PythonEquality.Instance.Equals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => PythonEquality.Instance.GetHashCode(this);

    /// <inheritdoc/>
    public override string ToString() => $"tuple[{_items.Length}]";
}
