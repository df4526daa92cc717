using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>CPython's <c>multiprocessing.managers.Token</c>: which object, of which typeid, in which manager.</summary>
/// <param name="TypeId">The typeid the object was created under.</param>
/// <param name="Address">The manager's address as Python holds it: a <c>(host, port)</c> <see cref="PyTuple"/> or a Unix path.</param>
/// <param name="Id">The object's id string in the manager.</param>
internal sealed record PythonToken(string TypeId, object? Address, string Id)
{
    private const string Module = "multiprocessing.managers";

    /// <summary>Writes the token as CPython does: <c>Token.__new__</c> and a BUILD of <c>(typeid, address, id)</c>.</summary>
    public PyObject ToModel()
    {
        var token = new PyObject(new PyGlobal(Module, "Token"), PyTuple.Empty, PyObjectKind.NewObj);
        token.SetState(new PyTuple(TypeId, Address, Id));
        return token;
    }

    /// <summary>Reads a token written by CPython (NEWOBJ + BUILD state) or by REDUCE with the three arguments.</summary>
    public static bool TryRead(object? value, out PythonToken? token)
    {
        token = null;
        if (value is not PyObject { Class: { Module: Module, Name: "Token" } } model)
        {
            return false;
        }

        PyTuple? fields = model.HasState ? model.State as PyTuple : model.Args;
        if (fields is { Count: 3 } && fields[0] is string typeId && fields[2] is string id)
        {
            token = new PythonToken(typeId, fields[1], id);
            return true;
        }

        return false;
    }
}
