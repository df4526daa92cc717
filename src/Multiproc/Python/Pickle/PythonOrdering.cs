using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Multiproc.Python.Pickle;

/// <summary>Python's <c>&lt;</c> over the value model, for <c>list.sort()</c>: numbers by value (ints of any size
/// against floats exactly), str by code point, bytes by byte, tuples and lists lexicographically.</summary>
/// <remarks>
/// <para>Any other pair (str against int, None against None, dicts, opaque objects …) throws
/// <see cref="PythonTypeErrorException"/> with Python's message. NaN compares as neither smaller nor larger, which
/// is what Python's <c>&lt;</c>-only sort sees.</para>
/// <para>Python's sort is stable and <see cref="List{T}.Sort()"/> is not, and .NET sorts wrap a comparer's exception
/// in <see cref="InvalidOperationException"/>: use <see cref="Sort"/> for <c>list.sort()</c>.</para>
/// </remarks>
internal sealed class PythonOrdering : IComparer<object?>
{
    private const int MaxDepth = 1000;

    /// <summary>Gets the comparer.</summary>
    public static PythonOrdering Instance { get; } = new();

    /// <inheritdoc/>
    /// <exception cref="PythonTypeErrorException">The two values are not orderable against each other.</exception>
    public int Compare(object? x, object? y) => Order(x, y, 0);

    /// <summary>Sorts <paramref name="items"/> as Python's <c>list.sort(reverse=...)</c>: stable, also when reversed.</summary>
    /// <exception cref="PythonTypeErrorException">Two items are not orderable; <paramref name="items"/> is unchanged.</exception>
    public static void Sort(List<object?> items, bool reverse = false)
    {
        object?[] sorted;
        try
        {
            sorted = reverse ? [.. items.OrderByDescending(item => item, Instance)] : [.. items.OrderBy(item => item, Instance)];
        }
        catch (InvalidOperationException ex) when (ex.InnerException is PythonTypeErrorException typeError)
        {
            ExceptionDispatchInfo.Throw(typeError);
            throw;
        }

        items.Clear();
        items.AddRange(sorted);
    }

    /// <summary>Compares strings by Unicode code point (UTF-16 ordinal order puts U+E000–U+FFFF after astral characters).</summary>
    public static int CompareCodePoints(string x, string y)
    {
        int length = Math.Min(x.Length, y.Length);
        for (int i = 0; i < length; i++)
        {
            char a = x[i];
            char b = y[i];
            if (a != b)
            {
                return CodePointRank(a).CompareTo(CodePointRank(b));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    // Surrogates (which in a valid string stand for code points above U+FFFF) move above U+E000–U+FFFF; a lone
    // surrogate therefore sorts above the BMP too, where Python would place it at U+D800–U+DFFF.
    private static int CodePointRank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;

    private static int Order(object? x, object? y, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException("maximum recursion depth exceeded in comparison");
        }

        if (PythonNumbers.IsNumber(x) && PythonNumbers.IsNumber(y))
        {
            return PythonNumbers.Compare(x!, y!) ?? 0;
        }

        return (x, y) switch
        {
            (string s, string t) => CompareCodePoints(s, t),
            (PyBytes or PyByteArray, PyBytes or PyByteArray) => Bytes(x).SequenceCompareTo(Bytes(y)),
            (PyTuple s, PyTuple t) => Lexicographic(s, t, depth),
            (PyList s, PyList t) => Lexicographic(s.Items, t.Items, depth),
            _ => throw new PythonTypeErrorException(
                $"'<' not supported between instances of '{PythonTypeNames.Of(x)}' and '{PythonTypeNames.Of(y)}'"),
        };
    }

    private static int Lexicographic(IReadOnlyList<object?> x, IReadOnlyList<object?> y, int depth)
    {
        int length = Math.Min(x.Count, y.Count);
        for (int i = 0; i < length; i++)
        {
            // Python finds the first unequal pair with ==, then orders that pair with <.
            if (!PythonEquality.Instance.Equals(x[i], y[i]))
            {
                return Order(x[i], y[i], depth + 1);
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static ReadOnlySpan<byte> Bytes(object? value)
        => value is PyBytes b ? b.Value.Span : CollectionsMarshal.AsSpan(((PyByteArray)value!).Items);
}
