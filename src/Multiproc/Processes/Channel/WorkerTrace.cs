using Multiproc.Protocol;

namespace Multiproc.Processes.Channel;

/// <summary>The trace context a worker or pool task takes along from the code that started it (docs/tracing.md).</summary>
/// <remarks>
/// The same rule as for calls (<see cref="CallTracing"/>): a context travels when this process has a
/// listener on the <c>Multiproc</c> source or inherited one itself, and there is one: the current
/// activity's, or the inherited context (a worker starting workers). Otherwise nothing travels, and
/// the bootstrap and task frames are byte for byte what they were before tracing.
/// </remarks>
internal static class WorkerTrace
{
    /// <summary>Returns the context to hand on now, or null.</summary>
    public static TraceContext? Capture() => CallTracing.IsActive ? CallTracing.ContextToHandOn() : null;

    /// <summary>Returns the frame kind of a pool task: its traced form when it carries a context.</summary>
    public static WorkerFrameKind TaskKind(WorkerFrameKind kind, bool traced)
        => !traced ? kind : kind switch
        {
            WorkerFrameKind.Apply => WorkerFrameKind.TracedApply,
            WorkerFrameKind.MapChunk => WorkerFrameKind.TracedMapChunk,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only tasks carry a trace context."),
        };
}
