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
internal sealed class PythonDictType : PythonType
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
        var dict = new SharedDictionaryServer(PythonKeyComparer.Instance);
        Update(dict, arguments);
        return dict;
    }

    public override object? GetValue(object instance) => Copy((SharedDictionaryServer)instance);

    public override ValueTask<object?> InvokeAsync(PythonInvocation call) => ValueTask.FromResult(Invoke(call));

    private object? Invoke(PythonInvocation call)
    {
        var dict = (SharedDictionaryServer)call.Instance;
        PythonArguments args = call.Arguments;
        switch (call.Method)
        {
            case "__len__":
                return (long)dict.Count();
            case "__getitem__":
                object? key = args.Require(0, "key");
                return dict.TryGet(Key(key)) is [var found] ? PythonValueBridge.Decode(found) : throw new PythonRaise(PythonErrors.KeyError(key));
            case "get":
                return dict.TryGet(Key(args.Require(0, "key"))) is [var value] ? PythonValueBridge.Decode(value) : args.Get(1, "default");
            case "__setitem__":
                dict.Set(Key(args.Require(0, "key")), PythonValueBridge.Encode(args.Require(1, "value")));
                return null;
            case "__delitem__":
                object? deleted = args.Require(0, "key");
                return dict.Remove(Key(deleted)) ? null : throw new PythonRaise(PythonErrors.KeyError(deleted));
            case "__contains__":
                return dict.ContainsKey(Key(args.Require(0, "key")));
            case "__iter__":
                return new PythonNewObject(new PythonDictIterator(call.Context.EntryOf(dict)), PythonDictIteratorType.Instance);
            case "clear":
                dict.Clear();
                return null;
            case "copy":
                return Copy(dict);
            case "keys":
                return new PyList(Pairs(dict).Select(pair => pair.Key));
            case "values":
                return new PyList(Pairs(dict).Select(pair => pair.Value));
            case "items":
                return new PyList(Pairs(dict).Select(pair => (object?)new PyTuple(pair.Key, pair.Value)));
            case "pop":
                return Pop(dict, args);
            case "popitem":
                return PopItem(dict);
            case "setdefault":
                EncodedValue setKey = Key(args.Require(0, "key"));
                if (dict.TryGet(setKey) is [var existing])
                {
                    return PythonValueBridge.Decode(existing);
                }

                object? fallback = args.Get(1, "default");
                dict.Set(setKey, PythonValueBridge.Encode(fallback));
                return fallback;
            case "update":
                args.Expect(1, [.. args.Keywords.Select(pair => pair.Key as string ?? string.Empty)]);
                Update(dict, args);
                return null;
            default:
                throw NotExposed(call.Method);
        }
    }

    private static EncodedValue Key(object? key)
    {
        // Hash now: an unhashable key is Python's TypeError before anything changes.
        PythonEquality.Instance.GetHashCode(key);
        return PythonValueBridge.Encode(key);
    }

    private static IEnumerable<KeyValuePair<object?, object?>> Pairs(SharedDictionaryServer dict)
    {
        EncodedValue[] flat = dict.Ordered is { } ordered
            ? [.. ordered.SelectMany(pair => new[] { pair.Key, pair.Value })]
            : dict.Snapshot();
        for (int i = 0; i < flat.Length; i += 2)
        {
            yield return new(PythonValueBridge.DecodeKey(flat[i]), PythonValueBridge.Decode(flat[i + 1]));
        }
    }

    private static PyDict Copy(SharedDictionaryServer dict)
    {
        var copy = new PyDict();
        foreach ((object? key, object? value) in Pairs(dict))
        {
            copy[key] = value;
        }

        return copy;
    }

    private static object? Pop(SharedDictionaryServer dict, PythonArguments args)
    {
        object? key = args.Require(0, "key");
        if (dict.TryRemove(Key(key)) is { Value: [var removed], Lease: var lease })
        {
            return new PythonLeased(PythonValueBridge.Decode(removed), lease);
        }

        return args.Count > 1 || args.HasKeywords ? args.Get(1, "default") : throw new PythonRaise(PythonErrors.KeyError(key));
    }

    private static PythonLeased PopItem(SharedDictionaryServer dict)
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
        return new PythonLeased(new PyTuple(PythonValueBridge.DecodeKey(last), PythonValueBridge.Decode(removed.Value[0])), removed.Lease);
    }

    /// <summary><c>dict(other, **kw)</c> and <c>update(other, **kw)</c>: a mapping, or an iterable of pairs, then the keywords.</summary>
    private static void Update(SharedDictionaryServer dict, PythonArguments args)
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
        EncodedValue[] keys = [.. pairs.Select(pair => Key(pair.Key))];
        for (int i = 0; i < keys.Length; i++)
        {
            dict.Set(keys[i], PythonValueBridge.Encode(pairs[i].Value));
        }
    }
}
