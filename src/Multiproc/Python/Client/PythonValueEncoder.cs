using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>.NET values to the pickle value model (docs/python.md, "The C# client").</summary>
internal static class PythonValueEncoder
{
    private const int MaxDepth = 100;

    /// <summary>Converts <paramref name="value"/> for sending to Python.</summary>
    /// <exception cref="ArgumentException">The value (or a value inside it) has no Python form, or nests deeper than 100.</exception>
    public static object? Encode(object? value) => Encode(value, 0);

    /// <summary>Converts call arguments into a Python args tuple.</summary>
    public static PyTuple EncodeArgs(IReadOnlyList<object?> args)
    {
        var items = new object?[args.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Encode(args[i], 0);
        }

        return new PyTuple(items);
    }

    /// <summary>Converts keyword arguments into a Python kwds dict.</summary>
    public static PyDict EncodeKwargs(IReadOnlyDictionary<string, object?>? kwargs)
    {
        var dict = new PyDict();
        foreach (KeyValuePair<string, object?> pair in kwargs ?? new Dictionary<string, object?>())
        {
            dict[pair.Key] = Encode(pair.Value, 0);
        }

        return dict;
    }

    private static object? Encode(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"A value nested deeper than {MaxDepth} cannot be sent to Python.", nameof(value));
        }

        return value switch
        {
            null or bool or long or double or string => value,
            int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            ulong u => u <= long.MaxValue ? (long)u : (object)new BigInteger(u),
            BigInteger b => b >= long.MinValue && b <= long.MaxValue ? (long)b : (object)b,
            float f => (double)f,
            Half h => (double)h,
            char c => c.ToString(),
            decimal d => PyObject.Reduce("decimal", "Decimal", d.ToString(CultureInfo.InvariantCulture)),
            Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture),
            byte[] bytes => new PyBytes(bytes),
            ReadOnlyMemory<byte> memory => new PyBytes(memory.Span),
            Memory<byte> memory => new PyBytes(memory.Span),
            DateTime dateTime => EncodeDateTime(dateTime, dateTime.Kind == DateTimeKind.Utc ? TimeSpan.Zero : null),
            DateTimeOffset offset => EncodeDateTime(offset.DateTime, offset.Offset),
            DateOnly date => PyObject.Reduce("datetime", "date", new PyBytes([(byte)(date.Year >> 8), (byte)date.Year, (byte)date.Month, (byte)date.Day])),
            TimeSpan span => EncodeTimeDelta(span),
            PythonObject proxy => proxy.ToRebuildProxy(),
            OpaquePythonValue opaque => PickleReader.Read(opaque.Pickle),
            ITuple tuple => EncodeTuple(tuple, depth),
            IDictionary dictionary => EncodeDictionary(dictionary, depth),
            IEnumerable items when IsSet(items) => new PySet(EncodeItems(items, depth)),
            IEnumerable items => new PyList(EncodeItems(items, depth)),
            _ => throw new ArgumentException(
                $"A {value.GetType()} cannot be sent to Python: send numbers, strings, bool, null, byte[], decimal, dates, tuples, lists, arrays, dictionaries, sets, Python object handles or values received from Python.",
                nameof(value)),
        };
    }

    private static PyTuple EncodeTuple(ITuple tuple, int depth)
    {
        var items = new object?[tuple.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Encode(tuple[i], depth + 1);
        }

        return new PyTuple(items);
    }

    private static PyDict EncodeDictionary(IDictionary dictionary, int depth)
    {
        var dict = new PyDict();
        foreach (DictionaryEntry entry in dictionary)
        {
            object? key = Encode(entry.Key, depth + 1);
            if (key is PyList or PyDict or PySet or PyByteArray)
            {
                throw new ArgumentException($"A {entry.Key.GetType()} cannot be a Python dict key (it becomes an unhashable {key.GetType().Name[2..].ToLowerInvariant()}); use a tuple.", nameof(dictionary));
            }

            dict[key] = Encode(entry.Value, depth + 1);
        }

        return dict;
    }

    private static List<object?> EncodeItems(IEnumerable items, int depth)
    {
        var list = new List<object?>();
        foreach (object? item in items)
        {
            list.Add(Encode(item, depth + 1));
        }

        return list;
    }

    private static bool IsSet(IEnumerable items)
        => items.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISet<>));

    private static PyObject EncodeDateTime(DateTime dateTime, TimeSpan? offset)
    {
        long micros = dateTime.Ticks % TimeSpan.TicksPerSecond / 10;
        byte[] state =
        [
            (byte)(dateTime.Year >> 8), (byte)dateTime.Year, (byte)dateTime.Month, (byte)dateTime.Day,
            (byte)dateTime.Hour, (byte)dateTime.Minute, (byte)dateTime.Second,
            (byte)(micros >> 16), (byte)(micros >> 8), (byte)micros,
        ];
        return offset is { } zone
            ? PyObject.Reduce("datetime", "datetime", new PyBytes(state), PyObject.Reduce("datetime", "timezone", EncodeTimeDelta(zone)))
            : PyObject.Reduce("datetime", "datetime", new PyBytes(state));
    }

    private static PyObject EncodeTimeDelta(TimeSpan span)
    {
        long totalMicros = span.Ticks / 10;
        long days = Math.DivRem(totalMicros, 86_400_000_000L, out long rest);
        if (rest < 0)
        {
            days--;
            rest += 86_400_000_000L;
        }

        return PyObject.Reduce("datetime", "timedelta", days, rest / 1_000_000, rest % 1_000_000);
    }
}
