using System.Collections;

namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>dict</c>: insertion-ordered, keyed by Python equality (<c>1</c>, <c>1.0</c> and <c>True</c> are
/// one key; a fresh <c>(1, 2)</c> finds the key <c>(1, 2)</c>).</summary>
/// <remarks>Setting an existing key keeps its position, as Python does. Keys must be hashable the Python way: a list,
/// dict, set or bytearray key throws <see cref="PythonTypeErrorException"/> ("unhashable type").
/// Equality of the dict itself is by reference; <see cref="PythonEquality"/> compares contents.</remarks>
internal sealed class PyDict : IEnumerable<KeyValuePair<object?, object?>>
{
    // OrderedDictionary refuses null keys, and None is a legal Python key: it is stored as this sentinel.
    private static readonly object s_none = new();

    private readonly OrderedDictionary<object, object?> _entries = new(KeyComparer.Instance);

    /// <summary>Gets the number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets the keys in insertion order.</summary>
    public IEnumerable<object?> Keys => _entries.Keys.Select(Outer);

    /// <summary>Gets or sets the value of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">Getting a missing key.</exception>
    /// <exception cref="PythonTypeErrorException">The key is unhashable.</exception>
    public object? this[object? key]
    {
        get => _entries[Inner(key)];
        set => _entries[Inner(key)] = value;
    }

    /// <summary>Gets the value of <paramref name="key"/> if present.</summary>
    /// <exception cref="PythonTypeErrorException">The key is unhashable.</exception>
    public bool TryGetValue(object? key, out object? value) => _entries.TryGetValue(Inner(key), out value);

    /// <summary>Gets whether <paramref name="key"/> is present.</summary>
    /// <exception cref="PythonTypeErrorException">The key is unhashable.</exception>
    public bool ContainsKey(object? key) => _entries.ContainsKey(Inner(key));

    /// <summary>Removes <paramref name="key"/>, returning whether it was present.</summary>
    /// <exception cref="PythonTypeErrorException">The key is unhashable.</exception>
    public bool Remove(object? key) => _entries.Remove(Inner(key));

    /// <summary>Removes every entry.</summary>
    public void Clear() => _entries.Clear();

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<object?, object?>> GetEnumerator()
    {
        foreach (KeyValuePair<object, object?> entry in _entries)
        {
            yield return new KeyValuePair<object?, object?>(Outer(entry.Key), entry.Value);
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => $"dict[{_entries.Count}]";

    private static object Inner(object? key) => key ?? s_none;

    private static object? Outer(object key) => ReferenceEquals(key, s_none) ? null : key;

    /// <summary>Python equality over keys, seeing the None sentinel as null.</summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static KeyComparer Instance { get; } = new();

        public new bool Equals(object? x, object? y) => PythonEquality.Instance.Equals(Outer(x!), Outer(y!));

        public int GetHashCode(object obj) => PythonEquality.Instance.GetHashCode(Outer(obj));
    }
}
