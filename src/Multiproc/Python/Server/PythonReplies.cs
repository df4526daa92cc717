using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>The replies of <c>multiprocessing.managers</c>, pickled at protocol 4 (every 3.x client reads it).</summary>
internal static class PythonReplies
{
    public static byte[] Return(object? value) => PickleWriter.Write(new PyTuple("#RETURN", value));

    public static byte[] Error(PyObject exception) => PickleWriter.Write(new PyTuple("#ERROR", exception));

    /// <summary>A protocol error: the client raises <c>RemoteError</c> with this text.</summary>
    public static byte[] Traceback(string text) => PickleWriter.Write(new PyTuple("#TRACEBACK", text));

    /// <summary>An object that stays on the server: the client builds a proxy of <paramref name="token"/>'s typeid.</summary>
    public static byte[] Proxy(PyTuple exposed, PyObject token) => PickleWriter.Write(new PyTuple("#PROXY", new PyTuple(exposed, token)));

    /// <summary>A <c>multiprocessing.managers.Token(typeid, address, id)</c>, written as CPython writes it (NEWOBJ, then BUILD of the state).</summary>
    public static PyObject Token(string typeId, object? address, string ident)
    {
        var token = new PyObject(new PyGlobal("multiprocessing.managers", "Token"), PyTuple.Empty, PyObjectKind.NewObj);
        token.SetState(new PyTuple(typeId, address, ident));
        return token;
    }

    /// <summary>The exposed names as the tuple a <c>create</c> reply carries.</summary>
    public static PyTuple Exposed(IReadOnlyList<string> names)
    {
        object?[] items = new object?[names.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = names[i];
        }

        return new PyTuple(items);
    }
}
