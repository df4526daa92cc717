namespace Multiproc.Server.BuiltIns;

/// <summary>The values of <c>multiproc.wait.kind</c> on <c>multiproc.server.waits</c> (docs/metrics.md).</summary>
internal static class WaitKinds
{
    public const string QueueTake = "queue_take";
    public const string QueuePut = "queue_put";
    public const string QueueJoin = "queue_join";
    public const string Lock = "lock";
    public const string Semaphore = "semaphore";
    public const string Event = "event";
    public const string Condition = "condition";
    public const string Barrier = "barrier";
}
