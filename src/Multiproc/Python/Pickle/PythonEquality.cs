using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Multiproc.Python.Pickle;

/// <summary>Python's <c>==</c> and <c>hash()</c> over the value model, for dict keys, set members and <c>count</c>,
/// <c>index</c>, <c>remove</c>, <c>in</c>.</summary>
/// <remarks>
/// <para>Numbers compare by value across <c>bool</c>, <c>long</c>, <c>BigInteger</c> and <c>double</c>; tuples, lists,
/// dicts, sets, frozensets and bytes by content (bytes equal a bytearray of the same content); strings ordinally;
/// <see cref="PyObject"/> by identity.</para>
/// <para>NaN: like Python, an identical object equals itself (containers check identity first) and two NaN objects
/// differ. A NaN read twice through the pickle memo is one object, as in Python.</para>
/// <para>Hashing a list, dict, set or bytearray throws <see cref="PythonTypeErrorException"/> ("unhashable type").
/// Comparing structures nested deeper than 1000 throws <see cref="InvalidOperationException"/> (Python's
/// <c>RecursionError</c>); the pickle reader never produces such values.</para>
/// </remarks>
internal sealed class PythonEquality : IEqualityComparer<object?>
{
    private const int MaxDepth = 1000;

    /// <summary>Gets the comparer.</summary>
    public static PythonEquality Instance { get; } = new();

    /// <inheritdoc/>
    public new bool Equals(object? x, object? y) => Equal(x, y, 0);

    /// <inheritdoc/>
    public int GetHashCode(object? obj) => Hash(obj, 0);

    private static bool Equal(object? x, object? y, int depth)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        Guard(depth);
        if (PythonNumbers.IsNumber(x))
        {
            return PythonNumbers.IsNumber(y) && PythonNumbers.Equal(x, y);
        }

        return x switch
        {
            string s => y is string t && string.Equals(s, t, StringComparison.Ordinal),
            PyBytes or PyByteArray => TryBytes(y, out ReadOnlySpan<byte> other) && TryBytes(x, out ReadOnlySpan<byte> mine) && mine.SequenceEqual(other),
            PyTuple t => y is PyTuple u && SequenceEqual(t, u, depth),
            PyList l => y is PyList m && SequenceEqual(l.Items, m.Items, depth),
            PyDict d => y is PyDict e && DictEqual(d, e, depth),
            PySet or PyFrozenSet => TrySet(y, out IReadOnlyCollection<object?>? other) && TrySet(x, out IReadOnlyCollection<object?>? mine) && SetEqual(mine!, other!),
            PyGlobal g => g.Equals(y as PyGlobal),
            _ => false,
        };
    }

    private static int Hash(object? value, int depth)
    {
        Guard(depth);
        switch (value)
        {
            case null:
                return 0x2F1B_3C5D;
            case string s:
                return s.GetHashCode(StringComparison.Ordinal);
            case PyBytes b:
                return b.GetHashCode();
            case PyTuple t:
                var tuple = new HashCode();
                foreach (object? item in t)
                {
                    tuple.Add(Hash(item, depth + 1));
                }

                return tuple.ToHashCode();
            case PyFrozenSet f:
                // Order-independent, as members have no order.
                int members = f.Count;
                foreach (object? item in f)
                {
                    members ^= Hash(item, depth + 1) * 0x2E5B_F271;
                }

                return members;
            case PyGlobal g:
                return g.GetHashCode();
            case PyObject o:
                return RuntimeHelpers.GetHashCode(o);
            case PyList or PyDict or PySet or PyByteArray:
                throw new PythonTypeErrorException($"unhashable type: '{PythonTypeNames.Of(value)}'");
            default:
                return PythonNumbers.IsNumber(value)
                    ? PythonNumbers.Hash(value)
                    : throw new PythonTypeErrorException($"unhashable type: '{value.GetType().Name}' is not a Python value");
        }
    }

    private static bool SequenceEqual(IReadOnlyList<object?> x, IReadOnlyList<object?> y, int depth)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        for (int i = 0; i < x.Count; i++)
        {
            if (!Equal(x[i], y[i], depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DictEqual(PyDict x, PyDict y, int depth)
    {
        if (x.Count != y.Count)
        {
            return false;
        }

        foreach (KeyValuePair<object?, object?> entry in x)
        {
            if (!y.TryGetValue(entry.Key, out object? other) || !Equal(entry.Value, other, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SetEqual(IReadOnlyCollection<object?> x, IReadOnlyCollection<object?> y)
        => x.Count == y.Count && x.All(item => y switch
        {
            PyFrozenSet f => f.Contains(item),
            _ => ((HashSet<object?>)y).Contains(item),
        });

    private static bool TrySet(object value, out IReadOnlyCollection<object?>? items)
    {
        items = value switch
        {
            PySet s => s.Items,
            PyFrozenSet f => f,
            _ => null,
        };
        return items is not null;
    }

    private static bool TryBytes(object value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case PyBytes b:
                bytes = b.Value.Span;
                return true;
            case PyByteArray a:
                bytes = CollectionsMarshal.AsSpan(a.Items);
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    private static void Guard(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("maximum recursion depth exceeded in comparison");
        }
    }
}
