using Multiproc.Python.Pickle;

namespace Multiproc.Python;

/// <summary>
/// The client-side proxy class of each typeid, as <c>SyncManager</c> registers them: what a proxy inside a value is
/// rebuilt with (<c>RebuildProxy(class, Token, 'pickle', kwds)</c>, review §4.4), whichever side writes it.
/// </summary>
internal static class PythonProxyClasses
{
    /// <summary>The module of the proxy classes and of <c>RebuildProxy</c>.</summary>
    public const string Module = "multiprocessing.managers";

    private static readonly Dictionary<string, string> s_classes = new(StringComparer.Ordinal)
    {
        ["list"] = "ListProxy",
        ["dict"] = "DictProxy",
        ["Namespace"] = "NamespaceProxy",
        ["Value"] = "ValueProxy",
        ["Array"] = "ArrayProxy",
        ["Lock"] = "AcquirerProxy",
        ["RLock"] = "AcquirerProxy",
        ["Semaphore"] = "AcquirerProxy",
        ["BoundedSemaphore"] = "AcquirerProxy",
        ["Condition"] = "ConditionProxy",
        ["Event"] = "EventProxy",
        ["Barrier"] = "BarrierProxy",
        ["Iterator"] = "IteratorProxy",
    };

    /// <summary>The proxy class and the keyword arguments <c>RebuildProxy</c> passes it for <paramref name="typeId"/>: <c>AutoProxy</c> gets the exposed names.</summary>
    public static (PyGlobal Class, PyDict Kwargs) For(string typeId, IReadOnlyList<string> exposed)
    {
        var kwargs = new PyDict();
        if (s_classes.TryGetValue(typeId, out string? name))
        {
            return (new PyGlobal(Module, name), kwargs);
        }

        // AutoProxy without `exposed` would ask the server with the process's own authkey (gh-78740).
        object?[] names = [.. exposed];
        kwargs["exposed"] = new PyTuple(names);
        return (new PyGlobal(Module, "AutoProxy"), kwargs);
    }
}
