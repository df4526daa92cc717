using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Authentication;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Operations;

/// <summary>
/// The <c>Multiproc</c> meter read with a <see cref="MeterListener"/>, as dotnet-counters or
/// OpenTelemetry would (docs/metrics.md): real managers, real clients over real sockets.
/// </summary>
/// <remarks>Serial: the meter is process-wide, so counts taken around an action must not include other tests' calls.</remarks>
[Collection(nameof(MetricsIsolation))]
public sealed class MetricsTests : IDisposable
{
    private const string EmployeeTypeId = "Multiproc.Tests.Fixtures.IEmployee";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Multiproc")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    [Fact(Timeout = 30_000)]
    public async Task Calls_AreTimedByTypeAndMember_AndFailuresCarryTheirErrorType()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        IEmployee employee = await manager.CreateAsync<IEmployee>("Ann", 100m);
        for (int i = 0; i < 5; i++)
        {
            employee.Raise(1m);
        }

        Assert.Throws<InvalidOperationException>(() => employee.Fail("invalid"));

        // A call's duration is recorded once its reply is written, which its caller may see first.
        await TestTimeout.UntilAsync(
            () => Task.FromResult(Durations().Any(r => r.Tag("rpc.method") == "Fail") && _recorded.Any(r => r.Instrument == "multiproc.server.errors")),
            because: "the failed call was not timed");

        Recorded[] raises = [.. Durations().Where(r => r.Tag("rpc.service") == EmployeeTypeId && r.Tag("rpc.method") == "Raise")];
        Assert.Equal(5, raises.Length);
        Assert.All(raises, r =>
        {
            Assert.Equal("multiproc", r.Tag("rpc.system"));
            Assert.Null(r.Tag("error.type"));
            Assert.InRange(r.Value, 1e-7, 30);
        });

        Recorded failed = Assert.Single(Durations(), r => r.Tag("rpc.method") == "Fail");
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.Tag("error.type"));
        Assert.Contains(_recorded, r => r.Instrument == "multiproc.server.errors" && r.Tag("error.type") == typeof(InvalidOperationException).FullName && r.Value == 1);

        // The control call that created the object is timed too, under the control service.
        Assert.Contains(Durations(), r => r.Tag("rpc.service") == "multiproc.control" && r.Tag("rpc.method") == "create");
    }

    [Fact(Timeout = 30_000)]
    public async Task ObservedCounts_SeeObjectsConnectionsCallsAndBytes()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        await using Manager second = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        IEmployee first = await manager.CreateAsync<IEmployee>("Ann", 100m);
        IEmployee other = await second.CreateAsync<IEmployee>("Bob", 100m);
        other.Raise(1m);
        GC.KeepAlive(first);

        _listener.RecordObservableInstruments();

        Assert.True(Latest("multiproc.server.objects", "multiproc.type_id", EmployeeTypeId) >= 2);
        Assert.True(Latest("multiproc.server.connections") >= 2);
        Assert.True(Latest("multiproc.server.calls") >= 3);
        double received = Latest("multiproc.server.io", "network.io.direction", "receive");
        double sent = Latest("multiproc.server.io", "network.io.direction", "transmit");
        Assert.True(received > 0 && sent > 0, $"received {received}, sent {sent}");

        // Bytes keep counting after a connection closes, and calls after a manager stops: the counters never go down.
        await second.DisposeAsync();
        await TestTimeout.UntilAsync(async () => (await manager.GetStatsAsync()).ConnectionCount == 1, because: "the second connection did not close");
        _listener.RecordObservableInstruments();
        Assert.True(Latest("multiproc.server.io", "network.io.direction", "receive") >= received);
        Assert.True(Latest("multiproc.server.io", "network.io.direction", "transmit") >= sent);
        double calls = Latest("multiproc.server.calls");
        await manager.DisposeAsync();
        _listener.RecordObservableInstruments();
        Assert.True(Latest("multiproc.server.calls") >= calls, "the calls counter fell when a manager stopped");
    }

    [Fact(Timeout = 30_000)]
    public async Task AWaitInProgress_IsCountedUntilItEnds()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedQueue<int> queue = await manager.CreateQueueAsync<int>();

        double before = Waiting("queue_take");

        Task<int> take = queue.TakeAsync();
        await TestTimeout.UntilAsync(() => Task.FromResult(Waiting("queue_take") == before + 1), because: "the waiting take was not counted");

        await queue.PutAsync(7);
        Assert.Equal(7, await take.WaitAsync(TestTimeout.Token()));
        await TestTimeout.UntilAsync(() => Task.FromResult(Waiting("queue_take") == before), because: "the finished take was still counted");
    }

    // A listener that attaches while a wait is in progress (dotnet-counters started mid-run) sees it,
    // and never a count below zero when it ends.
    [Fact(Timeout = 30_000)]
    public async Task AListenerAttachedMidWait_SeesTheWait_AndNeverANegativeCount()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedLock held = await manager.CreateLockAsync();
        held.Acquire();
        double before = Waiting("lock");
        await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        ISharedLock contender = await other.LookupAsync<ISharedLock>(await PublishAsync(manager, held));
        Task<bool> waiting = contender.TryAcquireAsync(TimeSpan.FromSeconds(20));
        await TestTimeout.UntilAsync(() => Task.FromResult(Waiting("lock") == before + 1), because: "the waiting acquire was not counted");

        using var late = new MeterListener();
        var seen = new ConcurrentQueue<long>();
        late.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Multiproc" && instrument.Name == "multiproc.server.waits")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        late.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "multiproc.wait.kind" && (string?)t.Value == "lock"))
            {
                seen.Enqueue(value);
            }
        });
        late.Start();
        late.RecordObservableInstruments();
        Assert.Equal(before + 1, seen.Last());

        held.Release();
        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        await TestTimeout.UntilAsync(() => Task.FromResult(Waiting("lock") == before), because: "the granted acquire was still counted");
        late.RecordObservableInstruments();
        Assert.Equal(before, seen.Last());
        Assert.All(seen, value => Assert.True(value >= 0));
    }

    [Fact(Timeout = 30_000)]
    public async Task DroppedConnections_AreCountedByReason()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());

        await Assert.ThrowsAsync<AuthenticationException>(() => Manager.ConnectAsync(manager.Address, new byte[32]));

        await TestTimeout.UntilAsync(
            () => Task.FromResult(_recorded.Any(r => r.Instrument == "multiproc.server.connections.dropped" && r.Tag("multiproc.drop.reason") == "authentication_failed")),
            because: "the refused connection was not counted");
    }

    [Fact(Timeout = 30_000)]
    public async Task ATlsPeerThatSpeaksNoTls_IsCountedAsTlsFailed()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create(TransportTests.Tls));
        int port = int.Parse(manager.Address.Split('?')[0].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await http.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await http.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        await TestTimeout.UntilAsync(
            () => Task.FromResult(_recorded.Any(r => r.Instrument == "multiproc.server.connections.dropped" && r.Tag("multiproc.drop.reason") == "tls_failed")),
            because: "the HTTP request on the TLS port was not counted");
    }

    public void Dispose() => _listener.Dispose();

    private static async Task<string> PublishAsync(Manager manager, ISharedLock held)
    {
        string name = $"lock-{Guid.NewGuid():N}";
        await manager.PublishAsync(name, held);
        return name;
    }

    private IEnumerable<Recorded> Durations() => _recorded.Where(r => r.Instrument == "rpc.server.call.duration");

    // The waits in progress of one kind now (0 before any wait of that kind).
    private double Waiting(string kind)
    {
        _listener.RecordObservableInstruments();
        return _recorded.LastOrDefault(r => r.Instrument == "multiproc.server.waits" && r.Tag("multiproc.wait.kind") == kind)?.Value ?? 0;
    }

    private double Latest(string instrument, string? tag = null, string? value = null)
        => _recorded.LastOrDefault(r => r.Instrument == instrument && (tag is null || r.Tag(tag) == value))?.Value
            ?? throw new InvalidOperationException($"{instrument} was not observed.");

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        => _recorded.Enqueue(new Recorded(instrument.Name, value, tags.ToArray()));

    private sealed record Recorded(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value as string;
    }
}

/// <summary>Tests that read the process-wide meter run alone.</summary>
[CollectionDefinition(nameof(MetricsIsolation), DisableParallelization = true)]
public sealed class MetricsIsolation;
