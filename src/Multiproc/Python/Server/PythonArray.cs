using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>
/// The manager's side of Python's <c>Array(typecode, sequence)</c>: a fixed-length array whose items are
/// checked against the typecode as <c>array.array</c> checks them (a float in an <c>'i'</c> array is a
/// <c>TypeError</c>, an int out of range an <c>OverflowError</c>).
/// </summary>
/// <remarks>Python-only: .NET clients share arrays through <see cref="SharedArray{T}"/>, in shared memory.</remarks>
internal sealed class PythonArray : IPythonOnly
{
    private static readonly Dictionary<string, (BigInteger Min, BigInteger Max)> s_integerRanges = new(StringComparer.Ordinal)
    {
        ["b"] = (sbyte.MinValue, sbyte.MaxValue),
        ["B"] = (byte.MinValue, byte.MaxValue),
        ["h"] = (short.MinValue, short.MaxValue),
        ["H"] = (ushort.MinValue, ushort.MaxValue),
        ["i"] = (int.MinValue, int.MaxValue),
        ["I"] = (uint.MinValue, uint.MaxValue),
        ["l"] = (long.MinValue, long.MaxValue),
        ["L"] = (ulong.MinValue, ulong.MaxValue),
        ["q"] = (long.MinValue, long.MaxValue),
        ["Q"] = (ulong.MinValue, ulong.MaxValue),
    };

    private readonly object?[] _items;

    /// <exception cref="ArgumentException">The typecode is not one of <c>array.array</c>'s.</exception>
    public PythonArray(string typeCode, IReadOnlyList<object?> items)
    {
        if (!s_integerRanges.ContainsKey(typeCode) && typeCode is not ("f" or "d" or "u" or "w"))
        {
            throw new ArgumentException("bad typecode (must be b, B, u, w, h, H, i, I, l, L, q, Q, f or d)");
        }

        TypeCode = typeCode;
        _items = [.. items.Select(Check)];
    }

    public string TypeCode { get; }

    public int Length => _items.Length;

    public object? this[int index]
    {
        get => _items[index];
        set => _items[index] = Check(value);
    }

    /// <summary>The items as <c>array.array(typecode, [...])</c>, which CPython rebuilds as an <c>array.array</c>.</summary>
    public PyObject ToArrayObject(IEnumerable<object?> items) => PyObject.Reduce("array", "array", TypeCode, new PyList(items));

    public object?[] ToArray() => [.. _items];

    /// <exception cref="PythonTypeErrorException">The item is not of the typecode's kind.</exception>
    /// <exception cref="OverflowException">An int is out of the typecode's range.</exception>
    public object? Check(object? item)
    {
        if (s_integerRanges.TryGetValue(TypeCode, out var range))
        {
            BigInteger value = item switch
            {
                long number => number,
                bool flag => flag ? 1 : 0,
                BigInteger big => big,
                _ => throw new PythonTypeErrorException($"'{PythonTypeNames.Of(item)}' object cannot be interpreted as an integer"),
            };
            return value < range.Min || value > range.Max
                ? throw new OverflowException($"array item out of range for typecode '{TypeCode}'")
                : item is bool b ? (b ? 1L : 0L) : item;
        }

        return TypeCode switch
        {
            "f" or "d" => item switch
            {
                double number => number,
                long number => (double)number,
                bool flag => flag ? 1.0 : 0.0,
                BigInteger big => (double)big,
                _ => throw new PythonTypeErrorException($"must be real number, not {PythonTypeNames.Of(item)}"),
            },
            _ => item is string { Length: 1 or 2 } text && text.EnumerateRunes().Count() == 1
                ? text
                : throw new PythonTypeErrorException($"array item must be a unicode character, not {PythonTypeNames.Of(item)}"),
        };
    }
}
