namespace Multiproc.Probe;

/// <summary>What the probe's workers and pool run.</summary>
public static class ProbeTargets
{
    /// <summary>Uses both proxies once, as a worker handed shared objects does.</summary>
    public static void Append(ISharedList<long> list, ISharedDictionary<string, int> dictionary)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(dictionary);
        list.Add(Environment.ProcessId);
    }

    /// <summary>The pool map's trivial function.</summary>
    public static long Square(int x) => (long)x * x;
}
