using System.Collections.Concurrent;
using System.Diagnostics;

namespace Multiproc.Tests.Operations;

/// <summary>
/// Records every span of the <c>Multiproc</c> source (and the tests' own <see cref="TestSource"/>) that
/// stops in this process, sampling all of them, as an OpenTelemetry exporter would.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    public const string TestSourceName = "Multiproc.Tests.Tracing";

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Multiproc" or TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _stopped.Enqueue(activity);
                _arrived.Release();
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the source a test starts its own parent activity from.</summary>
    public static ActivitySource TestSource { get; } = new(TestSourceName);

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>Waits until <paramref name="count"/> stopped spans match (a server span stops just after its reply leaves).</summary>
    public async Task<Activity[]> WaitForAsync(Func<Activity, bool> match, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Activity[] found = [.. _stopped.Where(match)];
            if (found.Length >= count)
            {
                return found;
            }

            await _arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Waits for the one server span of <paramref name="method"/> in <paramref name="traceId"/>.</summary>
    public async Task<Activity> ServerSpanAsync(ActivityTraceId traceId, string method, CancellationToken cancellationToken)
        => Assert.Single(await WaitForAsync(a => a.Kind == ActivityKind.Server && a.TraceId == traceId && Method(a) == method, 1, cancellationToken));

    public static string? Method(Activity span) => span.GetTagItem("rpc.method") as string;

    // The semaphore is not disposed: a server span may still stop (and release it) while the listener goes away.
    public void Dispose() => _listener.Dispose();
}
