using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>
/// A call's positional and keyword arguments, bound by position or by name the way Python binds them
/// (<c>q.get(False)</c>, <c>q.get(block=False)</c> and <c>q.get(timeout=0.3)</c> reach the same parameters).
/// </summary>
internal sealed class PythonArguments
{
    private readonly string _method;
    private readonly PyDict? _keywords;

    public PythonArguments(string method, PyTuple positional, PyDict? keywords)
    {
        _method = method;
        Positional = positional;
        _keywords = keywords is { Count: > 0 } ? keywords : null;
    }

    public PyTuple Positional { get; }

    public int Count => Positional.Count;

    public bool HasKeywords => _keywords is not null;

    /// <summary>Gets the keyword arguments (empty when none).</summary>
    public IEnumerable<KeyValuePair<object?, object?>> Keywords => _keywords ?? [];

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>; <paramref name="fallback"/> when absent.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index < Positional.Count)
        {
            return Positional[index];
        }

        return _keywords is not null && _keywords.TryGetValue(name, out object? value) ? value : fallback;
    }

    /// <summary>The required argument at <paramref name="index"/> or named <paramref name="name"/>.</summary>
    /// <exception cref="PythonTypeErrorException">It is missing.</exception>
    public object? Require(int index, string name)
    {
        if (index < Positional.Count || (_keywords is not null && _keywords.ContainsKey(name)))
        {
            return Get(index, name);
        }

        throw new PythonTypeErrorException($"{_method}() missing required argument: '{name}'");
    }

    /// <summary>Refuses more than <paramref name="max"/> positional arguments or a keyword not in <paramref name="names"/>.</summary>
    /// <exception cref="PythonTypeErrorException">An argument is not accepted.</exception>
    public void Expect(int max, params ReadOnlySpan<string> names)
    {
        if (Positional.Count > max)
        {
            throw new PythonTypeErrorException($"{_method}() takes at most {max} positional arguments ({Positional.Count} given)");
        }

        if (_keywords is null)
        {
            return;
        }

        foreach (object? key in _keywords.Keys)
        {
            if (key is not string name || !names.Contains(name))
            {
                throw new PythonTypeErrorException($"{_method}() got an unexpected keyword argument '{key}'");
            }
        }
    }

    /// <summary>Reads an int argument as an index or count (Python's <c>__index__</c>: bool counts, float does not).</summary>
    /// <exception cref="PythonTypeErrorException">It is not an int.</exception>
    public static long ToIndex(object? value, string what) => value switch
    {
        long number => number,
        bool flag => flag ? 1 : 0,
        BigInteger big => big > long.MaxValue ? long.MaxValue : big < long.MinValue ? long.MinValue : (long)big,
        _ => throw new PythonTypeErrorException($"{what} must be an integer, not {PythonTypeNames.Of(value)}"),
    };

    /// <summary>Reads Python truthiness of a flag argument (<c>block</c>, <c>blocking</c>, <c>reverse</c>).</summary>
    public static bool ToBool(object? value) => value switch
    {
        null => false,
        bool flag => flag,
        long number => number != 0,
        double number => number != 0,
        string text => text.Length != 0,
        _ => true,
    };

    /// <summary>Reads the <c>timeout</c> of <c>queue.get/put</c> and <c>lock.acquire</c>, which Python refuses when negative.</summary>
    /// <exception cref="ArgumentException">It is negative (Python's <c>ValueError</c>).</exception>
    public static TimeSpan ToNonNegativeTimeout(object? value, string message)
        => value is long or double && System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) < 0
            ? throw new ArgumentException(message)
            : ToTimeout(value);

    /// <summary>Reads a timeout in seconds (None = forever) as a wait time; negative counts as zero, as Python's waits do.</summary>
    /// <exception cref="PythonTypeErrorException">It is not a number.</exception>
    public static TimeSpan ToTimeout(object? value)
    {
        double seconds = value switch
        {
            null => double.PositiveInfinity,
            long number => number,
            double number => number,
            bool flag => flag ? 1 : 0,
            BigInteger big => (double)big,
            _ => throw new PythonTypeErrorException($"timeout must be a number, not {PythonTypeNames.Of(value)}"),
        };
        if (double.IsNaN(seconds))
        {
            throw new ArgumentException("timeout must not be NaN");
        }

        // Beyond a day is as good as forever for a wait; the server's waits take at most int.MaxValue ms.
        return double.IsPositiveInfinity(seconds) || seconds > 86_400 * 24
            ? Timeout.InfiniteTimeSpan
            : TimeSpan.FromSeconds(Math.Max(seconds, 0));
    }
}
