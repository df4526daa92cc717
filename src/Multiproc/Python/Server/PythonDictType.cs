using Multiproc.Protocol.BuiltIns;
using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>dict</c> (<c>DictProxy</c>) on a shared dictionary: Python key equality, insertion order, live iteration.</summary>
/// <remarks>
/// A dictionary created here has Python's semantics for every client. A dictionary created from .NET keeps
/// its own (keys by encoding, no order), and Python clients use it as it is.
/// </remarks>
internal sealed class PythonDictType : PythonSharedType
{
    public static PythonDictType Instance { get; } = new();

    public override string TypeId => "dict";

    public override IReadOnlyList<string> Exposed { get; } =
        ["__contains__", "__delitem__", "__getitem__", "__iter__", "__len__", "__setitem__", "clear", "copy", "get",
         "items", "keys", "pop", "popitem", "setdefault", "update", "values"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Dictionary);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(1, [.. arguments.Keywords.Select(pair => pair.Key as string ?? string.Empty)]);
        var dict = new SharedDictionaryServer(context.KeyComparer);
        Update(dict, arguments, context.Values);
        return dict;
    }

    public override object? GetValue(object instance, PythonValues values) => Copy((SharedDictionaryServer)instance, values);

    public override ValueTask<object?> InvokeAsync(PythonInvocation call) => ValueTask.FromResult(Invoke(call));

    private object? Invoke(PythonInvocation call)
    {
        var dict = (SharedDictionaryServer)call.Instance;
        PythonArguments args = call.Arguments;
        PythonValues values = call.Context.Values;
        switch (call.Method)
        {
            case "__len__":
                return (long)dict.Count();
            case "__getitem__":
                object? key = args.Require(0, "key");
                return dict.TryGet(Key(values, key)) is [var found] ? values.Decode(found) : throw new PythonRaise(PythonErrors.KeyError(key));
            case "get":
                return dict.TryGet(Key(values, args.Require(0, "key"))) is [var value] ? values.Decode(value) : args.Get(1, "default");
            case "__setitem__":
                dict.Set(Key(values, args.Require(0, "key")), values.Encode(args.Require(1, "value")));
                return null;
            case "__delitem__":
                object? deleted = args.Require(0, "key");
                return dict.Remove(Key(values, deleted)) ? null : throw new PythonRaise(PythonErrors.KeyError(deleted));
            case "__contains__":
                return dict.ContainsKey(Key(values, args.Require(0, "key")));
            case "__iter__":
                return new PythonNewObject(new PythonDictIterator(call.Context.EntryOf(dict)), PythonDictIteratorType.Instance);
            case "clear":
                dict.Clear();
                return null;
            case "copy":
                return Copy(dict, values);
            case "keys":
                return new PyList(Pairs(dict, values).Select(pair => pair.Key));
            case "values":
                return new PyList(Pairs(dict, values).Select(pair => pair.Value));
            case "items":
                return new PyList(Pairs(dict, values).Select(pair => (object?)new PyTuple(pair.Key, pair.Value)));
            case "pop":
                return Pop(dict, args, values);
            case "popitem":
                return PopItem(dict, values);
            case "setdefault":
                EncodedValue setKey = Key(values, args.Require(0, "key"));
                if (dict.TryGet(setKey) is [var existing])
                {
                    return values.Decode(existing);
                }

                object? fallback = args.Get(1, "default");
                dict.Set(setKey, values.Encode(fallback));
                return fallback;
            case "update":
                args.Expect(1, [.. args.Keywords.Select(pair => pair.Key as string ?? string.Empty)]);
                Update(dict, args, values);
                return null;
            default:
                throw NotExposed(call.Method);
        }
    }

    private static EncodedValue Key(PythonValues values, object? key)
    {
        // Hash now: an unhashable key is Python's TypeError before anything changes.
        PythonEquality.Instance.GetHashCode(key);
        return values.Encode(key);
    }

    private static IEnumerable<KeyValuePair<object?, object?>> Pairs(SharedDictionaryServer dict, PythonValues values)
    {
        EncodedValue[] flat = dict.Ordered is { } ordered
            ? [.. ordered.SelectMany(pair => new[] { pair.Key, pair.Value })]
            : dict.Snapshot();
        for (int i = 0; i < flat.Length; i += 2)
        {
            yield return new(values.DecodeKey(flat[i]), values.Decode(flat[i + 1]));
        }
    }

    private static PyDict Copy(SharedDictionaryServer dict, PythonValues values)
    {
        var copy = new PyDict();
        foreach ((object? key, object? value) in Pairs(dict, values))
        {
            copy[key] = value;
        }

        return copy;
    }

    private static object? Pop(SharedDictionaryServer dict, PythonArguments args, PythonValues values)
    {
        object? key = args.Require(0, "key");
        if (dict.TryRemove(Key(values, key)) is { Value: [var removed], Lease: var lease })
        {
            return new PythonLeased(values.Decode(removed), lease);
        }

        return args.Count > 1 || args.HasKeywords ? args.Get(1, "default") : throw new PythonRaise(PythonErrors.KeyError(key));
    }

    private static PythonLeased PopItem(SharedDictionaryServer dict, PythonValues values)
    {
        EncodedValue last;
        if (dict.Ordered is { Count: > 0 } ordered)
        {
            last = ordered.GetAt(ordered.Count - 1).Key;
        }
        else if (dict.Ordered is null && dict.Snapshot() is { Length: > 0 } flat)
        {
            last = flat[^2];
        }
        else
        {
            throw new PythonRaise(PythonErrors.KeyError("popitem(): dictionary is empty"));
        }

        Leased<EncodedValue[]> removed = dict.TryRemove(last);
        return new PythonLeased(new PyTuple(values.DecodeKey(last), values.Decode(removed.Value[0])), removed.Lease);
    }

    /// <summary><c>dict(other, **kw)</c> and <c>update(other, **kw)</c>: a mapping, or an iterable of pairs, then the keywords.</summary>
    private static void Update(SharedDictionaryServer dict, PythonArguments args, PythonValues values)
    {
        var pairs = new List<(object? Key, object? Value)>();
        switch (args.Count > 0 ? args.Positional[0] : new PyDict())
        {
            case PyDict other:
                pairs.AddRange(other.Select(pair => (pair.Key, pair.Value)));
                break;
            case var iterable:
                foreach (object? item in PythonIterables.Items(iterable))
                {
                    List<object?> pair = PythonIterables.Items(item);
                    if (pair.Count != 2)
                    {
                        throw new ArgumentException($"dictionary update sequence element has length {pair.Count}; 2 is required");
                    }

                    pairs.Add((pair[0], pair[1]));
                }

                break;
        }

        pairs.AddRange(args.Keywords.Select(pair => (pair.Key, pair.Value)));
        // Every key is hashed before anything is stored, so a bad key changes nothing.
        EncodedValue[] keys = [.. pairs.Select(pair => Key(values, pair.Key))];
        for (int i = 0; i < keys.Length; i++)
        {
            dict.Set(keys[i], values.Encode(pairs[i].Value));
        }
    }
}
