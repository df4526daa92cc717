using System.Diagnostics;
using System.Text;
using Multiproc.Protocol;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Multiproc.Tests.Protocol;

namespace Multiproc.Tests.Operations;

/// <summary>
/// The <c>Multiproc</c> activity source in one process (docs/tracing.md): the frames a client writes
/// with and without a listener, read off the socket by a <see cref="FakeManager"/>, and the spans of
/// calls to a real manager.
/// </summary>
[Collection(nameof(TracingIsolation))]
public sealed class TracingTests
{
    // [Result, 1, reference(7, "multiproc:queue")]: what a lookup of a queue returns.
    private const string QueueReference = "18000000 93 02 01 C7122A 92 07 AF6D756C746970726F633A7175657565";

    // [Call, 2, 7, "Put", 5, 1 ms]: the golden ClientFrameGoldenTests pinned before tracing existed.
    private const string PlainPut = "0C000000 96 01 02 07 A3507574 05 CD2710";

    [Fact(Timeout = 20_000)]
    public async Task CallFrame_NoListener_IsThePlainCallByteForByte_EvenInsideAnActivity()
    {
        Assert.False(CallTracing.Source.HasListeners());
        using Activity ambient = new Activity("ambient").Start();
        (byte[] put, _) = await PutThroughFakeAsync();

        Assert.Equal(Golden.Hex(PlainPut), Golden.Hex(put));
    }

    [Fact(Timeout = 20_000)]
    public async Task CallFrame_WithListener_IsATracedCallCarryingTheClientSpansTraceparent()
    {
        using var recorder = new SpanRecorder();
        ActivityTraceId traceId;
        byte[] put;
        using (Activity parent = SpanRecorder.TestSource.StartActivity("parent")!)
        {
            traceId = parent.TraceId;
            (put, _) = await PutThroughFakeAsync();
        }

        Activity client = Assert.Single(recorder.Stopped, a => a.Kind == ActivityKind.Client && SpanRecorder.Method(a) == "Put");
        Assert.Equal(traceId, client.TraceId);
        Assert.Equal("multiproc:queue/Put", client.DisplayName);
        string traceparent = $"00-{traceId}-{client.SpanId}-01";
        Assert.Equal(traceparent, client.Id);

        // 46000000            length 70
        // 97                  array of 7: the plain call's 6 elements and the context
        // 09                  kind 9 TracedCall
        // 02 07 A3 507574     call id 2, object id 7, member "Put", as in a plain call
        // 91 D9 37 ...        the context: [traceparent], a str 8 of 55 bytes
        // 05 CD2710           the arguments, as in a plain call
        byte[] expected = [.. Golden.Bytes("46000000 97 09 02 07 A3507574 91 D937"), .. Encoding.ASCII.GetBytes(traceparent), .. Golden.Bytes("05 CD2710")];
        Assert.Equal(Golden.Hex(expected), Golden.Hex(put));
    }

    [Fact(Timeout = 20_000)]
    public async Task CallFrame_TraceState_TravelsAsTheContextsSecondElement()
    {
        using var recorder = new SpanRecorder();
        byte[] put;
        using (Activity parent = SpanRecorder.TestSource.StartActivity("parent")!)
        {
            parent.TraceStateString = "vendor=1";
            (put, _) = await PutThroughFakeAsync();
        }

        // After [9, 2, 7, "Put"]: [traceparent, "vendor=1"].
        string hex = Golden.Hex(put);
        Assert.StartsWith(Golden.Hex("4F000000 97 09 02 07 A3507574 92 D937"), hex, StringComparison.Ordinal);
        Assert.EndsWith(Golden.Hex("A8 76656E646F723D31 05 CD2710"), hex, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Spans_Call_ClientAndServerSpansNestAndFollowTheRpcConventions()
    {
        CancellationToken timeout = TestTimeout.Token();
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        IEmployee employee = await manager.CreateAsync<IEmployee>("Ann", 100m);

        employee.Raise(1m);

        Activity client = Assert.Single(recorder.Stopped, a => a.Kind == ActivityKind.Client && SpanRecorder.Method(a) == "Raise");
        Activity server = await recorder.ServerSpanAsync(client.TraceId, "Raise", timeout);
        const string Name = "Multiproc.Tests.Fixtures.IEmployee/Raise";
        foreach (Activity span in new[] { client, server })
        {
            Assert.Equal(Name, span.DisplayName);
            Assert.Equal("multiproc", span.GetTagItem("rpc.system"));
            Assert.Equal("Multiproc.Tests.Fixtures.IEmployee", span.GetTagItem("rpc.service"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }

        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(default, client.ParentSpanId);

        // The control call that created the object has its spans too.
        Assert.Contains(recorder.Stopped, a => a.Kind == ActivityKind.Client && a.DisplayName == "multiproc.control/create");
    }

    [Fact(Timeout = 30_000)]
    public async Task Spans_MethodThrows_ServerAndClientSpansHaveStatusErrorAndErrorType()
    {
        CancellationToken timeout = TestTimeout.Token();
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        IEmployee employee = await manager.CreateAsync<IEmployee>("Ann", 100m);

        Assert.Throws<InvalidOperationException>(() => employee.Fail("invalid"));

        Activity client = Assert.Single(recorder.Stopped, a => a.Kind == ActivityKind.Client && SpanRecorder.Method(a) == "Fail");
        Activity server = await recorder.ServerSpanAsync(client.TraceId, "Fail", timeout);
        foreach (Activity span in new[] { server, client })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal("invalid from Fail", span.StatusDescription);
            Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Spans_ServerSpan_IsCurrentWhileTheMethodRuns()
    {
        CancellationToken timeout = TestTimeout.Token();
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create().Register<ISpanProbe, SpanProbe>());
        ISpanProbe probe = await manager.CreateAsync<ISpanProbe>();

        string seen = probe.CurrentSpan();

        Activity server = await recorder.ServerSpanAsync(recorder.Stopped.Single(a => a.Kind == ActivityKind.Client && SpanRecorder.Method(a) == "CurrentSpan").TraceId, "CurrentSpan", timeout);
        Assert.Equal(server.Id, seen);
    }

    [Fact(Timeout = 30_000)]
    public async Task Spans_ListenerThrowsAsAServerSpanStops_TheObjectKeepsServingCalls()
    {
        using var throwing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Multiproc",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.Kind == ActivityKind.Server)
                {
                    throw new InvalidOperationException("a broken exporter");
                }
            },
        };
        ActivitySource.AddActivityListener(throwing);
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        IEmployee employee = await manager.CreateAsync<IEmployee>("Ann", 100m);

        // Calls on one object run one at a time: a span ended before the gate was left would hang the second.
        Assert.Equal(101m, employee.Raise(1m));
        Assert.Equal(102m, employee.Raise(1m));
        Assert.Equal(103m, await employee.RaiseAsync(1m).WaitAsync(TestTimeout.Token()));
    }

    /// <summary>Looks up a queue on a fake manager and puts into it; returns the put's frame.</summary>
    private static async Task<(byte[] Put, byte[] Lookup)> PutThroughFakeAsync()
    {
        CancellationToken timeout = TestTimeout.Token();
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(timeout);
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, timeout);
        await accepted;

        Task<SharedObject> lookup = client.LookupAsync<SharedObject>("jobs", timeout);
        byte[] lookupCall = await fake.ReadWholeFrameAsync(timeout);
        await fake.SendAsync(Golden.Bytes(QueueReference), timeout);
        SharedObject queue = await lookup.WaitAsync(timeout);

        Task<bool> put = queue.InvokeAsync<bool>("Put", [5, TimeSpan.FromMilliseconds(1)], timeout);
        byte[] putCall = await fake.ReadWholeFrameAsync(timeout);
        await fake.SendAsync(Golden.Bytes("04000000 93 02 02 C3"), timeout);
        Assert.True(await put.WaitAsync(timeout));
        return (putCall, lookupCall);
    }
}

public interface ISpanProbe
{
    /// <summary>Returns the id of the activity current while the method runs in the manager.</summary>
    string CurrentSpan();
}

public sealed class SpanProbe : ISpanProbe
{
    public string CurrentSpan() => Activity.Current?.Id ?? "none";
}
