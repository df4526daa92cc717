using Multiproc.Protocol.BuiltIns;
using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Value(typecode, value)</c> (<c>ValueProxy</c>) on a shared value. As in CPython, the typecode is not enforced.</summary>
internal sealed class PythonValueType : PythonSharedType
{
    public static PythonValueType Instance { get; } = new();

    public override string TypeId => "Value";

    public override IReadOnlyList<string> Exposed { get; } = ["get", "set"];

    public override SharedTypeBinding Binding(PythonContext context) => context.BuiltIn(BuiltInTypes.Value);

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(3, "typecode", "value", "lock");
        object? value = arguments.Require(1, "value");
        return new SharedValueServer((int)ValueKind.Any, nullable: true, context.Values.Encode(value));
    }

    /// <summary>A <c>multiprocessing.managers.Value</c> (what CPython's <c>#GETVALUE</c> sends); the typecode is not kept, so it is None.</summary>
    public override object? GetValue(object instance, PythonValues values)
    {
        var value = new PyObject(new PyGlobal("multiprocessing.managers", "Value"), PyTuple.Empty, PyObjectKind.NewObj);
        var state = new PyDict
        {
            ["_typecode"] = null,
            ["_value"] = values.Decode(((SharedValueServer)instance).Get()),
        };
        value.SetState(state);
        return value;
    }

    public override string Repr(object instance, PythonValues values) => $"Value(None, {PythonRepr.Of(values.Decode(((SharedValueServer)instance).Get()))})";

    public override ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var value = (SharedValueServer)call.Instance;
        PythonValues values = call.Context.Values;
        switch (call.Method)
        {
            case "get":
                return ValueTask.FromResult(values.Decode(value.Get()));
            case "set":
                value.Set(values.Encode(call.Arguments.Require(0, "value")));
                return ValueTask.FromResult<object?>(null);
            default:
                throw NotExposed(call.Method);
        }
    }
}
