using Multiproc.Python.Pickle;

namespace Multiproc.Python.Client;

/// <summary>How a proxy travels inside a value: <c>RebuildProxy(proxy class, Token, 'pickle', kwds)</c> (review §4.4).</summary>
internal static class PythonProxyPickle
{
    private const string Module = PythonProxyClasses.Module;

    /// <summary>The proxy class and keyword arguments CPython expects for <paramref name="typeId"/>.</summary>
    public static (PyGlobal Class, PyDict Kwargs) DefaultFor(string typeId, IReadOnlyList<string> exposed) => PythonProxyClasses.For(typeId, exposed);

    /// <summary>Writes a proxy as <c>RebuildProxy(class, token, 'pickle', kwds)</c>.</summary>
    public static PyObject Write(PyGlobal proxyClass, PythonToken token, PyDict kwargs)
        => PyObject.Reduce(Module, "RebuildProxy", proxyClass, token.ToModel(), "pickle", kwargs);

    /// <summary>Recognises a <c>RebuildProxy(...)</c> in a value.</summary>
    public static bool TryRead(object? value, out PyGlobal? proxyClass, out PythonToken? token, out PyDict? kwargs)
    {
        proxyClass = null;
        token = null;
        kwargs = null;
        if (value is PyObject { Class: { Module: Module, Name: "RebuildProxy" } } model && model.Args.Count == 4
            && model.Args[0] is PyGlobal cls && PythonToken.TryRead(model.Args[1], out token))
        {
            proxyClass = cls;
            kwargs = model.Args[3] as PyDict ?? new PyDict();
            return true;
        }

        return false;
    }

    /// <summary>The exposed names in a proxy's kwds (AutoProxy carries them), or empty.</summary>
    public static string[] ExposedOf(PyDict kwargs)
        => kwargs.TryGetValue("exposed", out object? exposed) && exposed is PyTuple names
            ? [.. names.OfType<string>()]
            : [];
}
