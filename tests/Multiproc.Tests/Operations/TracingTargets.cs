using System.Collections.Concurrent;
using System.Diagnostics;

namespace Multiproc.Tests.Operations;

/// <summary>What the tracing tests run in worker processes.</summary>
public static class TracingTargets
{
    /// <summary>Two calls, with no listener in the worker.</summary>
    public static int AddTwice(ISharedList<long> list)
    {
        list.Add(1);
        list.Add(2);
        return 2;
    }

    /// <summary>One call, with a listener in the worker too: returns the worker's spans as "traceId spanId parentSpanId kind name".</summary>
    public static string[] AddListened(ISharedList<long> list)
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Multiproc",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        list.Add(7);
        return [.. spans.Select(a => $"{a.TraceId} {a.SpanId} {a.ParentSpanId} {a.Kind} {a.DisplayName}")];
    }

    /// <summary>One call, then whether System.Diagnostics.DiagnosticSource is loaded in the worker.</summary>
    /// <remarks>Names no type of that assembly, so running this method does not load it.</remarks>
    public static bool AddAndReportDiagnosticSourceLoaded(ISharedList<long> list)
    {
        list.Add(1);
        return AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "System.Diagnostics.DiagnosticSource");
    }
}
