using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>One unit of pool work: an apply call or a map chunk, with its arguments already encoded.</summary>
/// <remarks>
/// A task is pending, then started (sent to a worker) or canceled, never both: the scheduler skips
/// a task it cannot start. <see cref="Complete"/> or <see cref="Fail"/> is called once, from a
/// worker's reader thread, for a started task.
/// </remarks>
internal abstract class PoolTask
{
    private const int Pending = 0;
    private const int Started = 1;
    private const int Canceled = 2;

    private int _state;

    protected PoolTask(RegisteredTarget target, WorkerFrameKind kind, ReadOnlyMemory<byte> body, TraceContext? trace)
    {
        Target = target;
        Kind = kind;
        Body = body;
        Trace = trace;
    }

    /// <summary>Gets the target the task runs.</summary>
    public RegisteredTarget Target { get; }

    /// <summary>Gets the frame kind: <see cref="WorkerFrameKind.Apply"/> or <see cref="WorkerFrameKind.MapChunk"/>.</summary>
    public WorkerFrameKind Kind { get; }

    /// <summary>Gets the encoded arguments or items.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Gets the trace context of the code that submitted the task (docs/tracing.md), or null: the worker's calls nest under it.</summary>
    public TraceContext? Trace { get; }

    /// <summary>Marks the task started; <see langword="false"/> if it was canceled first.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Pending) == Pending;

    /// <summary>Receives the worker's result body (valid only during the call).</summary>
    public abstract void Complete(ReadOnlyMemory<byte> result);

    /// <summary>Receives the failure: the target's exception (a BCL type as itself, else <see cref="RemoteException"/>), a crash, or the pool's disposal.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Withdraws the task if it has not started; <see langword="true"/> if it never will.</summary>
    protected bool TryCancelPending() => Interlocked.CompareExchange(ref _state, Canceled, Pending) != Started;
}
