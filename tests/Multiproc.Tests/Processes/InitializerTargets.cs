namespace Multiproc.Tests.Processes;

/// <summary>A pool initializer that takes a proxy and keeps it for the worker's tasks.</summary>
public static class InitializerTargets
{
    private static ISharedList<int>? s_log;

    public static void KeepLog(ISharedList<int> log) => s_log = log;

    /// <summary>Appends this worker's pid to the list its initializer kept.</summary>
    public static int LogProcessId(int x)
    {
        (s_log ?? throw new InvalidOperationException("The initializer did not run.")).Add(Environment.ProcessId);
        return x;
    }

    public static void TakeCallback(Action callback) => callback();
}
