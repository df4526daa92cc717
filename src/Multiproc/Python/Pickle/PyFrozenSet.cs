using System.Collections;

namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>frozenset</c>: immutable and hashable, members by Python equality.</summary>
internal sealed class PyFrozenSet : IReadOnlyCollection<object?>
{
    private readonly HashSet<object?> _items;

    /// <summary>Creates a frozenset of <paramref name="items"/>.</summary>
    /// <exception cref="PythonTypeErrorException">An item is unhashable.</exception>
    public PyFrozenSet(IEnumerable<object?> items)
    {
        _items = new HashSet<object?>(items, PythonEquality.Instance);
        Depth = 1 + PythonDepth.MaxOf(_items);
        TreeSize = PythonDepth.TreeSizeOf(_items);
    }

    /// <summary>Gets the nesting depth through tuples and frozensets (1 for a frozenset of scalars).</summary>
    public int Depth { get; }

    /// <summary>Gets the number of values counted as a tree through tuples and frozensets (itself included).</summary>
    public long TreeSize { get; }

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <summary>Gets whether <paramref name="item"/> is a member.</summary>
    /// <exception cref="PythonTypeErrorException">The item is unhashable.</exception>
    public bool Contains(object? item) => _items.Contains(item);

    /// <inheritdoc/>
    public IEnumerator<object?> GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PyFrozenSet && PythonEquality.Instance.Equals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => PythonEquality.Instance.GetHashCode(this);

    /// <inheritdoc/>
    public override string ToString() => $"frozenset[{_items.Count}]";
}
