namespace Multiproc.Bench;

/// <summary>Static targets for the process figures: workers load them from this assembly.</summary>
public static class ProcessTargets
{
    public static void Empty()
    {
    }

    public static int Identity(int x) => x;

    /// <summary>A pool initializer that keeps the proxy it is given, as a worker that uses it in its tasks would.</summary>
    public static void Keep(ISharedList<long> list) => Kept = list;

    /// <summary>Gets the proxy the initializer kept.</summary>
    public static ISharedList<long>? Kept { get; private set; }

    /// <summary>The first call on the manager carries the time it was made (Stopwatch: CLOCK_MONOTONIC, shared with the parent).</summary>
    public static void UseProxies(ISharedList<long> list, ISharedDictionary<string, int> dictionary)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(dictionary);
        list.Add(System.Diagnostics.Stopwatch.GetTimestamp());
    }

    public static long Square(int x) => (long)x * x;
}
