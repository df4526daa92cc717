using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>The items of a Python iterable that arrived by value: what <c>extend</c>, <c>list(x)</c> and <c>update</c> take.</summary>
internal static class PythonIterables
{
    /// <summary>The most items a <c>range</c> may expand to (the pickle reader's element limit).</summary>
    private const long MaxRangeItems = 1_000_000;

    /// <summary>The items of <paramref name="value"/> in iteration order.</summary>
    /// <exception cref="PythonTypeErrorException">It is not iterable on the server (an int, an opaque object).</exception>
    public static List<object?> Items(object? value) => value switch
    {
        PyList list => [.. list.Items],
        PyTuple tuple => [.. tuple],
        PyDict dict => [.. dict.Keys],
        PySet set => [.. set.Items],
        PyFrozenSet set => [.. set],
        string text => [.. EnumerateCodePoints(text)],
        PyBytes bytes => [.. bytes.Value.ToArray().Select(b => (object?)(long)b)],
        PyByteArray bytes => [.. bytes.Items.Select(b => (object?)(long)b)],
        PyObject { Class: { Module: "builtins", Name: "range" } } range => Range(range),
        _ => throw new PythonTypeErrorException($"'{PythonTypeNames.Of(value)}' object is not iterable"),
    };

    private static IEnumerable<object?> EnumerateCodePoints(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            yield return text.Substring(i, length);
            i += length - 1;
        }
    }

    private static List<object?> Range(PyObject range)
    {
        long[] bounds = [.. range.Args.Select(a => PythonArguments.ToIndex(a, "range bounds"))];
        (long start, long stop, long step) = bounds.Length switch
        {
            1 => (0, bounds[0], 1),
            2 => (bounds[0], bounds[1], 1),
            3 => (bounds[0], bounds[1], bounds[2]),
            _ => throw new PythonTypeErrorException("range expected at most 3 arguments"),
        };
        if (step == 0)
        {
            throw new ArgumentException("range() arg 3 must not be zero");
        }

        BigInteger count = step > 0
            ? (stop > start ? ((BigInteger)stop - start - 1) / step + 1 : 0)
            : (stop < start ? ((BigInteger)start - stop - 1) / -step + 1 : 0);
        if (count > MaxRangeItems)
        {
            throw new ArgumentException($"range of {count} items is over the manager's limit of {MaxRangeItems}");
        }

        var items = new List<object?>((int)count);
        for (long i = 0, value = start; i < (long)count; i++, value += step)
        {
            items.Add(value);
        }

        return items;
    }
}
