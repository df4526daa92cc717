using Multiproc.Protocol.BuiltIns;
using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>list</c> (<c>ListProxy</c>) on a shared list: indexes and slices, sort, equality the Python way.</summary>
/// <remarks>A list created from .NET is the same object; its items reach Python through <see cref="PythonValues"/>.</remarks>
internal sealed class PythonListType : PythonSharedType
{
    public static PythonListType Instance { get; } = new();

    public override string TypeId => "list";

    public override IReadOnlyList<string> Exposed { get; } =
        ["__add__", "__contains__", "__delitem__", "__getitem__", "__len__", "__mul__", "__reversed__", "__rmul__",
         "__setitem__", "append", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort", "__imul__"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.List);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(1);
        object? items = arguments.Get(0, "iterable", PyTuple.Empty);
        return new SharedListServer((int)ValueKind.Any, nullable: true, Encode(context.Values, PythonIterables.Items(items)));
    }

    public override object? GetValue(object instance, PythonValues values) => new PyList(Decoded((SharedListServer)instance, values));

    public override ValueTask<object?> InvokeAsync(PythonInvocation call) => ValueTask.FromResult(Invoke(call));

    private object? Invoke(PythonInvocation call)
    {
        var list = (SharedListServer)call.Instance;
        PythonArguments args = call.Arguments;
        PythonValues values = call.Context.Values;
        switch (call.Method)
        {
            case "__len__":
                return (long)list.Count();
            case "__getitem__":
                return GetItem(list, values, args.Require(0, "index"));
            case "__setitem__":
                SetItem(list, values, args.Require(0, "index"), args.Require(1, "value"));
                return null;
            case "__delitem__":
                DeleteItem(list, values, args.Require(0, "index"));
                return null;
            case "__contains__":
                return IndexOf(list, values, args.Require(0, "value"), 0, list.Count()) >= 0;
            case "append":
                list.Add(values.Encode(args.Require(0, "object")));
                return null;
            case "extend":
                list.AddRange(Encode(values, PythonIterables.Items(args.Require(0, "iterable"))));
                return null;
            case "insert":
                Insert(list, values, args.Require(0, "index"), args.Require(1, "object"));
                return null;
            case "pop":
                return Pop(list, values, args.Get(0, "index", -1L));
            case "remove":
                int found = IndexOf(list, values, args.Require(0, "value"), 0, list.Count());
                if (found < 0)
                {
                    throw new ArgumentException("list.remove(x): x not in list");
                }

                list.RemoveAt(found);
                return null;
            case "index":
                return Index(list, values, args);
            case "count":
                object? value = args.Require(0, "value");
                return (long)list.Items.Count(item => PythonEquality.Instance.Equals(values.Decode(item), value));
            case "reverse":
                list.Replace([.. list.Items.Reverse()]);
                return null;
            case "sort":
                Sort(list, values, args);
                return null;
            case "__add__":
                if (args.Require(0, "value") is not PyList other)
                {
                    throw new PythonTypeErrorException($"can only concatenate list (not \"{PythonTypeNames.Of(args.Get(0, "value"))}\") to list");
                }

                return new PyList([.. Decoded(list, values), .. other.Items]);
            case "__mul__":
            case "__rmul__":
                return new PyList(Repeat(Decoded(list, values), args.Require(0, "value")));
            case "__imul__":
                long times = PythonArguments.ToIndex(args.Require(0, "value"), "can't multiply sequence by non-int");
                list.Replace([.. Repeat(list.Items.ToList(), times)]);
                return null;
            case "__reversed__":
                return new PyList(Decoded(list, values).AsEnumerable().Reverse());
            default:
                throw NotExposed(call.Method);
        }
    }

    private static EncodedValue[] Encode(PythonValues values, List<object?> items)
    {
        var encoded = new EncodedValue[items.Count];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = values.Encode(items[i]);
        }

        return encoded;
    }

    private static List<object?> Decoded(SharedListServer list, PythonValues values) => [.. list.Items.Select(item => values.Decode(item))];

    private static object? GetItem(SharedListServer list, PythonValues values, object? index)
    {
        if (PythonSlice.TryResolve(index, list.Count(), out PythonSlice slice))
        {
            var items = new List<object?>(slice.Count);
            for (int i = 0; i < slice.Count; i++)
            {
                items.Add(values.Decode(list.Items[slice[i]]));
            }

            return new PyList(items);
        }

        return values.Decode(list.Items[Normalize(list, index, "list index out of range")]);
    }

    private static void SetItem(SharedListServer list, PythonValues values, object? index, object? value)
    {
        if (!PythonSlice.TryResolve(index, list.Count(), out PythonSlice slice))
        {
            list.Set(Normalize(list, index, "list assignment index out of range"), values.Encode(value));
            return;
        }

        EncodedValue[] replacement = Encode(values, PythonIterables.Items(value));
        List<EncodedValue> items = [.. list.Items];
        if (slice.Step == 1)
        {
            int stop = Math.Max(slice.Stop, slice.Start);
            items.RemoveRange(slice.Start, stop - slice.Start);
            items.InsertRange(slice.Start, replacement);
        }
        else
        {
            if (replacement.Length != slice.Count)
            {
                throw new ArgumentException($"attempt to assign sequence of size {replacement.Length} to extended slice of size {slice.Count}");
            }

            for (int i = 0; i < slice.Count; i++)
            {
                items[slice[i]] = replacement[i];
            }
        }

        list.Replace([.. items]);
    }

    private static void DeleteItem(SharedListServer list, PythonValues values, object? index)
    {
        if (!PythonSlice.TryResolve(index, list.Count(), out PythonSlice slice))
        {
            list.RemoveAt(Normalize(list, index, "list assignment index out of range"));
            return;
        }

        var removed = new HashSet<int>();
        for (int i = 0; i < slice.Count; i++)
        {
            removed.Add(slice[i]);
        }

        list.Replace([.. list.Items.Where((_, i) => !removed.Contains(i))]);
    }

    private static void Insert(SharedListServer list, PythonValues values, object? index, object? value)
    {
        long at = PythonArguments.ToIndex(index, "list indices");
        int count = list.Count();
        at = at < 0 ? Math.Max(at + count, 0) : Math.Min(at, count);
        list.Insert((int)at, values.Encode(value));
    }

    private static object? Pop(SharedListServer list, PythonValues values, object? index)
    {
        if (list.Count() == 0)
        {
            throw new PythonRaise(PythonErrors.IndexError("pop from empty list"));
        }

        long at = PythonArguments.ToIndex(index, "list indices");
        if (at == -1 || at == list.Count() - 1)
        {
            // The last item leaves under a lease: it goes back if its reply cannot be written.
            Leased<EncodedValue[]> last = list.TryPop();
            return new PythonLeased(values.Decode(last.Value[0]), last.Lease);
        }

        EncodedValue item = list.Take(Normalize(list, index, "pop index out of range"));
        object? value = values.Decode(item);
        item.Release();
        return value;
    }

    private static long Index(SharedListServer list, PythonValues values, PythonArguments args)
    {
        object? value = args.Require(0, "value");
        int count = list.Count();
        int start = Bound(args.Get(1, "start", 0L), count);
        int stop = Bound(args.Get(2, "stop", (long)int.MaxValue), count);
        int found = IndexOf(list, values, value, start, stop);
        return found >= 0 ? found : throw new ArgumentException($"{PythonRepr.Of(value)} is not in list");
    }

    private static int Bound(object? index, int count)
    {
        long at = PythonArguments.ToIndex(index, "slice indices");
        return (int)(at < 0 ? Math.Max(at + count, 0) : Math.Min(at, count));
    }

    private static int IndexOf(SharedListServer list, PythonValues values, object? value, int start, int stop)
    {
        for (int i = start; i < Math.Min(stop, list.Count()); i++)
        {
            if (PythonEquality.Instance.Equals(values.Decode(list.Items[i]), value))
            {
                return i;
            }
        }

        return -1;
    }

    private static void Sort(SharedListServer list, PythonValues values, PythonArguments args)
    {
        args.Expect(0, "key", "reverse");
        if (args.Get(int.MaxValue, "key") is not null)
        {
            throw new PythonTypeErrorException("sort(key=...) cannot run on the manager: a key function is Python code; sort a copy in the client");
        }

        bool reverse = PythonArguments.ToBool(args.Get(int.MaxValue, "reverse", false));
        EncodedValue[] items = [.. list.Items];
        object?[] keys = [.. items.Select(item => values.Decode(item))];
        int[] order = [.. Enumerable.Range(0, items.Length)];
        try
        {
            // Stable either way: equal items keep their order, reversed or not (Python's guarantee).
            Array.Sort(order, (a, b) =>
            {
                int compared = PythonOrdering.Instance.Compare(keys[a], keys[b]);
                return compared != 0 ? (reverse ? -compared : compared) : a.CompareTo(b);
            });
        }
        catch (InvalidOperationException ex) when (ex.InnerException is PythonTypeErrorException typeError)
        {
            throw typeError;
        }

        list.Replace([.. order.Select(i => items[i])]);
    }

    private static List<T> Repeat<T>(List<T> items, object? times)
        => Repeat(items, PythonArguments.ToIndex(times, "can't multiply sequence by non-int"));

    private static List<T> Repeat<T>(List<T> items, long times)
    {
        if (times <= 0 || items.Count == 0)
        {
            return [];
        }

        if (items.Count * times > 1_000_000)
        {
            throw new PythonRaise(PyObject.Reduce("builtins", "MemoryError", $"a list of {items.Count * times} items is over the manager's limit"));
        }

        var repeated = new List<T>((int)(items.Count * times));
        for (long i = 0; i < times; i++)
        {
            repeated.AddRange(items);
        }

        return repeated;
    }

    private static int Normalize(SharedListServer list, object? index, string message)
    {
        long at = PythonArguments.ToIndex(index, "list indices");
        int count = list.Count();
        if (at < 0)
        {
            at += count;
        }

        return at >= 0 && at < count ? (int)at : throw new PythonRaise(PythonErrors.IndexError(message));
    }
}
