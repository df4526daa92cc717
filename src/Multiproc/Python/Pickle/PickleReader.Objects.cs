namespace Multiproc.Python.Pickle;

/// <summary>The reader's globals, reductions and <c>BUILD</c>: the opcodes that would run Python code, turned into
/// <see cref="PyGlobal"/> and <see cref="PyObject"/> nodes instead.</summary>
internal sealed partial class PickleReader
{
    private bool TryObject(byte op)
    {
        switch (op)
        {
            case PickleOpcodes.Global:
                string module = TextLine();
                Push(Global(module, TextLine()));
                return true;
            case PickleOpcodes.StackGlobal:
                object? name = Pop();
                object? from = Pop();
                Push(from is string m && name is string n ? Global(m, n) : throw Violation("STACK_GLOBAL without two strs"));
                return true;
            case PickleOpcodes.Reduce:
                PyTuple args = Args(Pop());
                Push(Reduce(Pop(), args));
                return true;
            case PickleOpcodes.NewObj:
                PyTuple newArgs = Args(Pop());
                Push(new PyObject(Pop(), newArgs, PyObjectKind.NewObj));
                return true;
            case PickleOpcodes.NewObjEx:
                PyDict kwargs = Pop() as PyDict ?? throw Violation("NEWOBJ_EX whose kwargs are not a dict");
                PyTuple exArgs = Args(Pop());
                Push(new PyObject(Pop(), exArgs, PyObjectKind.NewObjEx, kwargs));
                return true;
            case PickleOpcodes.Build:
                object? state = Pop();
                if (Peek() is not PyObject { HasState: false } target)
                {
                    throw Violation($"BUILD on a {PythonTypeNames.Of(Peek())} (only an object built by REDUCE or NEWOBJ, once)");
                }

                target.SetState(state);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A global, with the Python 2 names that Python 3 writes at protocol 2 (<c>fix_imports</c>) mapped back.</summary>
    private static PyGlobal Global(string module, string name) => (module, name) switch
    {
        ("__builtin__", "xrange") => new PyGlobal("builtins", "range"),
        ("__builtin__", "unicode") => new PyGlobal("builtins", "str"),
        ("__builtin__" or "exceptions", _) => new PyGlobal("builtins", name),
        ("copy_reg", _) => new PyGlobal("copyreg", name),
        ("Queue", _) => new PyGlobal("queue", name),
        _ => new PyGlobal(module, name),
    };

    private PyTuple Args(object? value) => value as PyTuple ?? throw Violation($"arguments that are a {PythonTypeNames.Of(value)}, not a tuple");

    /// <summary>A reduction: the value-model types that pickle spells as calls, else an opaque <see cref="PyObject"/>.</summary>
    private object Reduce(object? callable, PyTuple args)
    {
        if (callable is not PyGlobal { Module: "builtins" or "_codecs" } global)
        {
            return new PyObject(callable, args);
        }

        switch (global.Name, args.Count)
        {
            case ("encode", 2) when global.Module == "_codecs" && args[0] is string text && args[1] is "latin1" or "latin-1":
                return new PyBytes(Latin1(text));
            case ("bytes", 0) when global.Module == "builtins":
                return new PyBytes([]);
            case ("bytearray", 0) when global.Module == "builtins":
                return new PyByteArray([]);
            case ("bytearray", 1) when global.Module == "builtins" && args[0] is PyBytes bytes:
                Materialize(bytes.Length);
                return new PyByteArray(bytes.Value.Span);
            case ("bytearray", 2) when global.Module == "builtins" && args[0] is string text && args[1] is "latin1" or "latin-1":
                return new PyByteArray(Latin1(text));
            case ("set", 0) when global.Module == "builtins":
                return new PySet();
            case ("set", 1) when global.Module == "builtins" && args[0] is PyList list:
                Place(list.Items.Count);
                return new PySet(list.Items);
            case ("frozenset", 0) when global.Module == "builtins":
                return new PyFrozenSet([]);
            case ("frozenset", 1) when global.Module == "builtins" && args[0] is PyList list:
                Place(list.Items.Count);
                return CheckDepth(new PyFrozenSet(list.Items));
            default:
                return new PyObject(callable, args);
        }
    }

    private byte[] Latin1(string text)
    {
        Materialize(text.Length);
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            bytes[i] = text[i] <= 0xFF ? (byte)text[i] : throw Violation("latin-1 bytes with a character above U+00FF");
        }

        return bytes;
    }
}
