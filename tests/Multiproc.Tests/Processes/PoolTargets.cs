namespace Multiproc.Tests.Processes;

/// <summary>Static methods the pool tests run in pool workers.</summary>
public static class PoolTargets
{
    private static int s_initializations;
    private static int s_tasksSeen;

    public static void Initialize() => Interlocked.Increment(ref s_initializations);

    /// <summary>Returns this worker's pid and how many times its initializer ran.</summary>
    public static WorkerInfo Describe(int ignored) => new(Environment.ProcessId, s_initializations, Interlocked.Increment(ref s_tasksSeen) + ignored - ignored);

    public static int ProcessId() => Environment.ProcessId;

    public static int Square(int x) => x * x;

    public static string Label(int x) => "item-" + x;

    public static int Add(int a, int b) => a + b;

    public static int Seven() => 7;

    public static int ThrowOnThirteen(int x) => x == 13 ? throw new ArgumentOutOfRangeException(nameof(x), "thirteen") : x;

    public static int FailFast(int x)
    {
        Environment.FailFast("pool test: crashing a worker on purpose");
        return x;
    }

    /// <summary>Blocks the worker for good; the pool's disposal kills it.</summary>
    public static int Block(int x)
    {
        Thread.Sleep(Timeout.Infinite);
        return x;
    }
}
