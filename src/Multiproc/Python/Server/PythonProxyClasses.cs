using Multiproc.Python.Pickle;

namespace Multiproc.Python.Server;

/// <summary>The client-side proxy class of each typeid, as <c>SyncManager</c> registers them, for proxies the manager sends inside values.</summary>
internal static class PythonProxyClasses
{
    private static readonly Dictionary<string, string> s_typed = new(StringComparer.Ordinal)
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

    /// <summary>The proxy class and the keyword arguments <c>RebuildProxy</c> passes it: <c>AutoProxy</c> gets the exposed names.</summary>
    public static (string ProxyClass, PyDict Kwds) For(PythonSharedType type)
        => s_typed.TryGetValue(type.TypeId, out string? proxyClass)
            ? (proxyClass, new PyDict())
            : ("AutoProxy", new PyDict { ["exposed"] = PythonTypes.ExposedOf(type) });
}
