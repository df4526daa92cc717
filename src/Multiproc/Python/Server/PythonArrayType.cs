using Multiproc.Python.Pickle;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>Python's <c>Array(typecode, sequence)</c> (<c>ArrayProxy</c>) on a <see cref="PythonArray"/>.</summary>
internal sealed class PythonArrayType : PythonSharedType
{
    private static readonly SharedTypeBinding s_binding = new(new Registration("python:array", typeof(IPythonOnly), typeof(PythonArray), null));

    public static PythonArrayType Instance { get; } = new();

    public override string TypeId => "Array";

    public override IReadOnlyList<string> Exposed { get; } = ["__len__", "__getitem__", "__setitem__"];

    public override SharedTypeBinding Binding(PythonContext context) => s_binding;

    public override object Create(PythonArguments arguments, PythonContext context)
    {
        arguments.Expect(3, "typecode", "sequence", "lock");
        string typeCode = arguments.Require(0, "typecode") as string ?? throw new PythonTypeErrorException("array() argument 1 must be a unicode character");
        object? sequence = arguments.Require(1, "sequence");
        return new PythonArray(typeCode, PythonIterables.Items(sequence));
    }

    public override object? GetValue(object instance, PythonValues values)
    {
        var array = (PythonArray)instance;
        return array.ToArrayObject(array.ToArray());
    }

    public override string Repr(object instance, PythonValues values)
    {
        var array = (PythonArray)instance;
        return $"array('{array.TypeCode}', {PythonRepr.Of(new PyList(array.ToArray()))})";
    }

    public override ValueTask<object?> InvokeAsync(PythonInvocation call)
    {
        var array = (PythonArray)call.Instance;
        PythonArguments args = call.Arguments;
        object? index = call.Method is "__getitem__" or "__setitem__" ? args.Require(0, "index") : null;
        switch (call.Method)
        {
            case "__len__":
                return ValueTask.FromResult<object?>((long)array.Length);
            case "__getitem__" when PythonSlice.TryResolve(index, array.Length, out PythonSlice slice):
                return ValueTask.FromResult<object?>(array.ToArrayObject(Enumerable.Range(0, slice.Count).Select(i => array[slice[i]])));
            case "__getitem__":
                return ValueTask.FromResult(array[Normalize(array, index)]);
            case "__setitem__" when PythonSlice.TryResolve(index, array.Length, out PythonSlice slice):
                List<object?> values = args.Require(1, "value") is PyObject { Class: { Module: "array", Name: "array" } } other && other.Args.Count == 2
                    ? PythonIterables.Items(other.Args[1])
                    : PythonIterables.Items(args.Require(1, "value"));
                if (values.Count != slice.Count)
                {
                    throw new ArgumentException("Can only assign sequence of same size");
                }

                object?[] checkedValues = [.. values.Select(array.Check)];
                for (int i = 0; i < slice.Count; i++)
                {
                    array[slice[i]] = checkedValues[i];
                }

                return ValueTask.FromResult<object?>(null);
            case "__setitem__":
                array[Normalize(array, index)] = args.Require(1, "value");
                return ValueTask.FromResult<object?>(null);
            default:
                throw NotExposed(call.Method);
        }
    }

    private static int Normalize(PythonArray array, object? index)
    {
        long at = PythonArguments.ToIndex(index, "array indices");
        if (at < 0)
        {
            at += array.Length;
        }

        return at >= 0 && at < array.Length ? (int)at : throw new PythonRaise(PythonErrors.IndexError("array index out of range"));
    }
}
