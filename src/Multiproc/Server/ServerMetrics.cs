using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Multiproc.Server;

/// <summary>
/// The <c>Multiproc</c> meter: what every manager in this process serves, for <c>dotnet-counters</c>,
/// OpenTelemetry or any <see cref="MeterListener"/> (docs/metrics.md).
/// </summary>
/// <remarks>
/// <para>Server side only: a client (a worker above all) creates no meter, so metrics cost a worker's
/// start nothing. Counts (calls, objects, connections, bytes, waits in progress) are observed when a
/// listener collects: kept by the server anyway, or, for waits, one interlocked add as a wait blocks
/// and ends. Only the call duration, errors and dropped connections are recorded as they happen,
/// after an <c>Enabled</c> check; a stopped manager's calls and bytes stay in the totals.</para>
/// <para>Names follow OpenTelemetry's RPC conventions where one applies (<c>rpc.server.call.duration</c>
/// with <c>rpc.system</c>, <c>rpc.service</c> = the type id, <c>rpc.method</c> = the member, and
/// <c>error.type</c> on failures); the rest are <c>multiproc.server.*</c>.</para>
/// </remarks>
internal static class ServerMetrics
{
    /// <summary>The meter's name, as <c>dotnet-counters monitor --counters Multiproc</c> takes it.</summary>
    public const string MeterName = "Multiproc";

    public const string SystemName = "multiproc";

    private static readonly ConcurrentDictionary<ObjectHost, byte> s_hosts = new();

    // What the hosts already forgotten served: the monotonic counters keep it, or they would fall
    // (read as a reset by exporters) when one of several managers in the process stops.
    private static readonly Lock s_forgottenLock = new();
    private static long s_forgottenCalls;
    private static long s_forgottenReceived;
    private static long s_forgottenSent;

    // Waits in progress per kind, counted always (an interlocked add per wait that blocks) and
    // observed: each listener sees the same count, whenever it attached, and it never goes below zero.
    private static readonly ConcurrentDictionary<string, StrongBox<long>> s_waits = new(StringComparer.Ordinal);

    private static readonly Meter s_meter = new(MeterName, typeof(ServerMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the duration of each call, admission to reply (<c>rpc.server.call.duration</c>, seconds).</summary>
    public static Histogram<double> CallDuration { get; } = s_meter.CreateHistogram(
        "rpc.server.call.duration",
        unit: "s",
        description: "Duration of calls a Multiproc manager served, from admission to reply; a call that waits (a queue take, a lock) includes its wait.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30] });

    /// <summary>Gets the calls answered with an error, by the exception's type (<c>error.type</c>).</summary>
    public static Counter<long> Errors { get; } = s_meter.CreateCounter<long>(
        "multiproc.server.errors", unit: "{error}", description: "Calls a Multiproc manager answered with an error, by exception type.");

    /// <summary>Gets the connections the manager dropped, by <c>multiproc.drop.reason</c>.</summary>
    public static Counter<long> DroppedConnections { get; } = s_meter.CreateCounter<long>(
        "multiproc.server.connections.dropped", unit: "{connection}", description: "Connections a Multiproc manager closed on its own, by reason.");

    static ServerMetrics()
    {
        s_meter.CreateObservableCounter(
            "multiproc.server.calls", ObserveCalls, unit: "{call}", description: "Calls a Multiproc manager admitted since it started.");
        s_meter.CreateObservableUpDownCounter(
            "multiproc.server.objects", ObserveObjects, unit: "{object}", description: "Shared objects alive in a Multiproc manager, by type id.");
        s_meter.CreateObservableUpDownCounter(
            "multiproc.server.connections", ObserveConnections, unit: "{connection}", description: "Client connections open on a Multiproc manager.");
        s_meter.CreateObservableCounter(
            "multiproc.server.io", ObserveBytes, unit: "By", description: "Bytes a Multiproc manager received and sent on its connections, by network.io.direction.");
        s_meter.CreateObservableUpDownCounter(
            "multiproc.server.waits", ObserveWaits, unit: "{wait}", description: "Calls waiting on a built-in primitive (queue, lock, semaphore, event, condition, barrier).");
    }

    /// <summary>Counts <paramref name="host"/> in the observed instruments until <see cref="Forget"/>.</summary>
    public static void Track(ObjectHost host) => s_hosts.TryAdd(host, 0);

    /// <summary>Stops observing <paramref name="host"/>; what it served stays in the monotonic counters.</summary>
    public static void Forget(ObjectHost host)
    {
        lock (s_forgottenLock)
        {
            if (s_hosts.TryRemove(host, out _))
            {
                (long received, long sent) = host.BytesTransferred;
                s_forgottenCalls += host.CallCount;
                s_forgottenReceived += received;
                s_forgottenSent += sent;
            }
        }
    }

    /// <summary>Records a call timed since <paramref name="started"/>, when a listener has the duration enabled.</summary>
    public static void EndCall(long started, string service, string method, Exception? error)
    {
        if (!CallDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "rpc.system", SystemName },
            { "rpc.service", service },
            { "rpc.method", method },
        };
        if (error is not null)
        {
            tags.Add("error.type", error.GetType().FullName);
        }

        CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    public static void CountError(Exception error)
    {
        if (Errors.Enabled)
        {
            Errors.Add(1, new KeyValuePair<string, object?>("error.type", error.GetType().FullName));
        }
    }

    /// <summary>Counts a connection the manager closed on its own; <paramref name="reason"/> is one of docs/metrics.md's values.</summary>
    public static void CountDropped(string reason)
    {
        if (DroppedConnections.Enabled)
        {
            DroppedConnections.Add(1, new KeyValuePair<string, object?>("multiproc.drop.reason", reason));
        }
    }

    /// <summary>Counts a wait on a built-in primitive starting; <see cref="WaitEnded"/> counts its end.</summary>
    public static void WaitStarted(string kind) => Interlocked.Increment(ref s_waits.GetOrAdd(kind, static _ => new StrongBox<long>()).Value);

    /// <summary>Counts the end of a wait <see cref="WaitStarted"/> counted.</summary>
    public static void WaitEnded(string kind) => Interlocked.Decrement(ref s_waits[kind].Value);

    private static long ObserveCalls()
    {
        lock (s_forgottenLock)
        {
            return s_forgottenCalls + s_hosts.Keys.Sum(host => host.CallCount);
        }
    }

    private static IEnumerable<Measurement<long>> ObserveWaits()
        => [.. s_waits.Select(pair => new Measurement<long>(Interlocked.Read(ref pair.Value.Value), new KeyValuePair<string, object?>("multiproc.wait.kind", pair.Key)))];

    private static int ObserveConnections() => s_hosts.Keys.Sum(host => host.SessionCount);

    private static IEnumerable<Measurement<int>> ObserveObjects()
        => s_hosts.Keys
            .SelectMany(host => host.Table.CountByType())
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(group => new Measurement<int>(group.Sum(pair => pair.Value), new KeyValuePair<string, object?>("multiproc.type_id", group.Key)));

    private static IEnumerable<Measurement<long>> ObserveBytes()
    {
        long received;
        long sent;
        lock (s_forgottenLock)
        {
            received = s_forgottenReceived;
            sent = s_forgottenSent;
            foreach (ObjectHost host in s_hosts.Keys)
            {
                (long hostReceived, long hostSent) = host.BytesTransferred;
                received += hostReceived;
                sent += hostSent;
            }
        }

        return
        [
            new Measurement<long>(received, new KeyValuePair<string, object?>("network.io.direction", "receive")),
            new Measurement<long>(sent, new KeyValuePair<string, object?>("network.io.direction", "transmit")),
        ];
    }
}
