using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>The <c>Iterator</c> typeid a dictionary's <c>__iter__</c> returns as <c>#PROXY</c>.</summary>
internal sealed class PythonDictIteratorType : PythonSharedType
{
    private static readonly SharedTypeBinding s_binding = new(new Registration("python:iterator", typeof(IPythonOnly), typeof(PythonDictIterator), null));

    public static PythonDictIteratorType Instance { get; } = new();

    public override string TypeId => "Iterator";

    public override IReadOnlyList<string> Exposed { get; } = ["__next__", "send", "throw", "close"];

    public override SharedTypeBinding Binding(PythonContext context) => s_binding;

    /// <summary>The dictionary's gate: the iterator reads the dictionary, so it takes its turn with the dictionary's calls.</summary>
    public override ObjectGate? GateFor(ObjectEntry entry) => ((PythonDictIterator)entry.Instance).Dictionary.Gate;

    public override object Create(PythonArguments arguments, PythonContext context)
        => throw new PythonProtocolError("an Iterator is made by a dict's __iter__, not by create");

    public override object? GetValue(object instance, PythonValues values) => throw new PythonProtocolError("an Iterator has no value to copy");

    public override string Repr(object instance, PythonValues values) => "<dict_keyiterator>";

    public override ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var iterator = (PythonDictIterator)call.Instance;
        switch (call.Method)
        {
            case "__next__":
            case "send":
                return iterator.TryNext(out EncodedValue key)
                    ? ValueTask.FromResult(call.Context.Values.DecodeKey(key))
                    : throw new PythonRaise(PythonErrors.StopIteration());
            case "close":
                return ValueTask.FromResult<object?>(null);
            case "throw":
                throw new PythonRaise(call.Arguments.Get(0, "type") as PyObject ?? PythonErrors.RuntimeError("throw() needs an exception"));
            default:
                throw NotExposed(call.Method);
        }
    }
}
