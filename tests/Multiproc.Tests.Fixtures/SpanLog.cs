using System.Collections.Concurrent;
using System.Diagnostics;

namespace Multiproc.Tests.Fixtures;

/// <summary>The spans of the <c>Multiproc</c> source that ended in the manager's process, for tests of traces across processes.</summary>
public interface ISpanLog
{
    /// <summary>Every span seen so far, as "traceId spanId parentSpanId kind name".</summary>
    string[] Spans();
}

/// <summary>Listens to the <c>Multiproc</c> source in whatever process hosts it (a child-process manager) from its first creation on.</summary>
public sealed class SpanLog : ISpanLog
{
    private static readonly ConcurrentQueue<string> s_spans = new();
    private static readonly Lazy<ActivityListener> s_listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Multiproc",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => s_spans.Enqueue($"{a.TraceId} {a.SpanId} {a.ParentSpanId} {a.Kind} {a.DisplayName}"),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    public SpanLog() => _ = s_listener.Value;

    public string[] Spans() => [.. s_spans];
}
