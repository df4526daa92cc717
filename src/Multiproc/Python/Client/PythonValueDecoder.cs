using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>The pickle value model to .NET values (docs/python.md, "The C# client").</summary>
internal static class PythonValueDecoder
{
    /// <summary>Converts <paramref name="model"/>; proxies inside become <see cref="PythonObject"/> handles of
    /// <paramref name="session"/> (incref'd), or stay opaque when <paramref name="session"/> is null.</summary>
    /// <exception cref="NotSupportedException">A dict or set holds <c>None</c> as a key, which a .NET dictionary cannot.</exception>
    public static object? Decode(object? model, PythonClientSession? session) => model switch
    {
        null or bool or long or BigInteger or double or string => model,
        PyBytes bytes => bytes.Value.ToArray(),
        PyByteArray array => array.Items.ToArray(),
        PyTuple tuple => tuple.Select(item => Decode(item, session)).ToArray(),
        PyList list => list.Items.Select(item => Decode(item, session)).ToList(),
        PyDict dict => DecodeDict(dict, session),
        PySet set => DecodeSet(set.Items, session),
        PyFrozenSet set => DecodeSet(set, session),
        PyObject obj => DecodeObject(obj, session),
        _ => Opaque(model),
    };

    private static Dictionary<object, object?> DecodeDict(PyDict dict, PythonClientSession? session)
    {
        var result = new Dictionary<object, object?>(dict.Count, PythonKeyComparer.Instance);
        foreach (KeyValuePair<object?, object?> pair in dict)
        {
            object key = Decode(pair.Key, session) ?? throw new NotSupportedException("A Python dict with the key None has no .NET dictionary form.");
            result[key] = Decode(pair.Value, session);
        }

        return result;
    }

    private static HashSet<object> DecodeSet(IEnumerable<object?> items, PythonClientSession? session)
    {
        var result = new HashSet<object>(PythonKeyComparer.Instance);
        foreach (object? item in items)
        {
            result.Add(Decode(item, session) ?? throw new NotSupportedException("A Python set holding None has no .NET set form."));
        }

        return result;
    }

    private static object DecodeObject(PyObject obj, PythonClientSession? session)
    {
        if (session is not null && PythonProxyPickle.TryRead(obj, out PyGlobal? proxyClass, out PythonToken? token, out PyDict? kwargs))
        {
            return PythonObject.Received(session, token!, proxyClass!, kwargs!);
        }

        return obj.Class switch
        {
            // managers.py reduces dict views (keys(), values(), items()) to list(...).
            { Module: "builtins", Name: "list" } when obj.Args is [PyList items] => Decode(items, session)!,
            { Module: "decimal", Name: "Decimal" } when obj.Args is [string text]
                && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) => d,
            { Module: "datetime", Name: "datetime" } when DecodeDateTime(obj) is { } dateTime => dateTime,
            { Module: "datetime", Name: "date" } when obj.Args is [PyBytes { Length: 4 } b] => DecodeDate(b.Value.Span),
            { Module: "datetime", Name: "timedelta" } when DecodeTimeDelta(obj) is { } span => span,
            _ => Opaque(obj),
        };
    }

    private static DateOnly DecodeDate(ReadOnlySpan<byte> b) => new(BinaryPrimitives.ReadUInt16BigEndian(b), b[2], b[3]);

    /// <summary>A naive datetime is a <see cref="DateTime"/> (Unspecified); UTC is a UTC <see cref="DateTime"/>; another fixed offset is a <see cref="DateTimeOffset"/>.</summary>
    private static object? DecodeDateTime(PyObject obj)
    {
        if (obj.Args.Count is < 1 or > 2 || obj.Args[0] is not PyBytes { Length: 10 } bytes)
        {
            return null;
        }

        ReadOnlySpan<byte> b = bytes.Value.Span;
        int microseconds = (b[7] << 16) | (b[8] << 8) | b[9];
        var local = new DateTime(BinaryPrimitives.ReadUInt16BigEndian(b), b[2] & 0x7F, b[3], b[4], b[5], b[6], DateTimeKind.Unspecified);
        local = local.AddTicks(microseconds * 10L);
        if (obj.Args.Count == 1 || obj.Args[1] is null)
        {
            return local;
        }

        if (obj.Args[1] is PyObject { Class: { Module: "datetime", Name: "timezone" } } zone && zone.Args.Count >= 1
            && zone.Args[0] is PyObject delta && DecodeTimeDelta(delta) is { } offset)
        {
            // Both branches as object: a conditional of DateTime and DateTimeOffset would convert the DateTime.
            return offset == TimeSpan.Zero ? DateTime.SpecifyKind(local, DateTimeKind.Utc) : (object)new DateTimeOffset(local, offset);
        }

        return null;
    }

    private static TimeSpan? DecodeTimeDelta(PyObject obj)
        => obj.Class is { Module: "datetime", Name: "timedelta" } && obj.Args is [long days, long seconds, long micros]
            ? TimeSpan.FromDays(days) + TimeSpan.FromSeconds(seconds) + TimeSpan.FromMicroseconds(micros)
            : null;

    /// <summary>A Python object with no .NET form, kept as its pickle (sent back as it came).</summary>
    internal static OpaquePythonValue Opaque(object model) => new(PythonTypeNames.QualifiedOf(model), PickleWriter.Write(model, protocol: 4));
}
