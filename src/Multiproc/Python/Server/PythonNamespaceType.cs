using Multiproc.Protocol.BuiltIns;
using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Namespace</c> (<c>NamespaceProxy</c>) on a shared namespace: attributes by name.</summary>
internal sealed class PythonNamespaceType : PythonSharedType
{
    public static PythonNamespaceType Instance { get; } = new();

    public override string TypeId => "Namespace";

    public override IReadOnlyList<string> Exposed { get; } = ["__getattribute__", "__setattr__", "__delattr__"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Namespace);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(0, [.. arguments.Keywords.Select(pair => pair.Key as string ?? string.Empty)]);
        var ns = new SharedNamespaceServer();
        foreach ((object? name, object? value) in arguments.Keywords)
        {
            ns.Set((string)name!, context.Values.Encode(value));
        }

        return ns;
    }

    /// <summary>A <c>multiprocessing.managers.Namespace</c> with the attributes (what CPython's <c>#GETVALUE</c> sends).</summary>
    public override object? GetValue(object instance, PythonValues values)
    {
        var value = new PyObject(new PyGlobal("multiprocessing.managers", "Namespace"), PyTuple.Empty, PyObjectKind.NewObj);
        value.SetState(Attributes((SharedNamespaceServer)instance, values));
        return value;
    }

    /// <summary><c>Namespace(a=1, b='x')</c>: public attributes sorted by name, values by Python repr (CPython's tests compare it).</summary>
    public override string Repr(object instance, PythonValues values)
    {
        PyDict attributes = Attributes((SharedNamespaceServer)instance, values);
        return "Namespace(" + string.Join(", ", attributes.Where(pair => pair.Key is string name && !name.StartsWith('_'))
            .Select(pair => $"{pair.Key}={PythonRepr.Of(pair.Value)}")) + ")";
    }

    public override ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var ns = (SharedNamespaceServer)call.Instance;
        PythonArguments args = call.Arguments;
        PythonValues values = call.Context.Values;
        string name = args.Require(0, "name") as string ?? throw new PythonTypeErrorException("attribute name must be string");
        switch (call.Method)
        {
            case "__getattribute__":
                return ns.TryGet(name) is [var value]
                    ? ValueTask.FromResult(values.Decode(value))
                    : throw new PythonRaise(PythonErrors.AttributeError($"'Namespace' object has no attribute '{name}'"));
            case "__setattr__":
                ns.Set(name, values.Encode(args.Require(1, "value")));
                return ValueTask.FromResult<object?>(null);
            case "__delattr__":
                return ns.Remove(name)
                    ? ValueTask.FromResult<object?>(null)
                    : throw new PythonRaise(PythonErrors.AttributeError($"'Namespace' object has no attribute '{name}'"));
            default:
                throw NotExposed(call.Method);
        }
    }

    private static PyDict Attributes(SharedNamespaceServer ns, PythonValues values)
    {
        var attributes = new PyDict();
        foreach (string name in ns.Names())
        {
            if (ns.TryGet(name) is [var value])
            {
                attributes[name] = values.Decode(value);
            }
        }

        return attributes;
    }
}
