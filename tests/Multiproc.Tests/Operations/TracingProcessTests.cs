using System.Diagnostics;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Operations;

/// <summary>
/// Traces across real processes (docs/tracing.md): the test process starts a parent activity and a
/// worker (or a pool task) that calls a manager hosted here, whose server spans the test records.
/// </summary>
/// <remarks>
/// A worker's own spans are seen in two ways: a worker that attaches its own listener returns its
/// client spans (so the whole chain parent → worker client span → manager server span is checked by
/// ids); a worker without one still gives each call a span id of its own, which the server span's
/// parent id shows (an id that is neither the parent's nor any span of this process).
/// </remarks>
[Collection(nameof(TracingIsolation))]
[Trait("Kind", "Process")]
public sealed class TracingProcessTests
{
    [Fact(Timeout = 60_000)]
    public async Task WorkerProcess_WorkerListens_ItsClientSpanNestsUnderTheStarterAndTheServerSpanUnderIt()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedList<long> list = await manager.CreateListAsync<long>();

        // The worker's client span: same trace, child of the activity that started the worker.
        (string[] client, ActivityTraceId traceId) = await AddFromAListeningWorkerAsync(list, timeout);

        // The manager's server span: a child of the worker's client span.
        Activity server = await recorder.ServerSpanAsync(traceId, "Add", timeout);
        Assert.Equal(client[1], server.ParentSpanId.ToHexString());
        Assert.Equal("multiproc:list/Add", server.DisplayName);
        Assert.Equal("multiproc", server.GetTagItem("rpc.system"));
        Assert.Equal("multiproc:list", server.GetTagItem("rpc.service"));
    }

    [Fact(Timeout = 90_000)]
    public async Task ThreeProcesses_ParentWorkerAndChildProcessManager_ShareOneTraceWithParentLinks()
    {
        CancellationToken timeout = TestTimeout.Token(80);
        using var recorder = new SpanRecorder();
        ManagerOptions options = TestOptions.Create().Register<Fixtures.ISpanLog, Fixtures.SpanLog>();
        options.Hosting = ManagerHosting.ChildProcess;
        await using Manager manager = await Manager.StartAsync(options, timeout);
        Assert.NotEqual(Environment.ProcessId, manager.ServerProcessId);
        // Creating the log starts a listener in the manager's process, before the worker's call arrives.
        Fixtures.ISpanLog managerSpans = await manager.CreateAsync<Fixtures.ISpanLog>();
        ISharedList<long> list = await manager.CreateListAsync<long>();

        // Process 2, the worker: its client span is a child of process 1's activity.
        (string[] client, ActivityTraceId traceId) = await AddFromAListeningWorkerAsync(list, timeout);

        // Process 3, the manager: its server span for the worker's call is a child of the worker's client span.
        string[] server = Assert.Single(
            managerSpans.Spans().Select(span => span.Split(' ')),
            span => span[0] == traceId.ToHexString() && span[4] == "multiproc:list/Add");
        Assert.Equal(nameof(ActivityKind.Server), server[3]);
        Assert.Equal(client[1], server[2]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WorkerProcess_WorkerDoesNotListen_EachCallStillGetsASpanIdOfItsOwnInTheStartersTrace()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedList<long> list = await manager.CreateListAsync<long>();

        ActivityTraceId traceId;
        using (Activity parent = SpanRecorder.TestSource.StartActivity("parent")!)
        {
            traceId = parent.TraceId;
            await using WorkerProcess<int> worker = WorkerProcess.Start(TracingTargets.AddTwice, list);
            Assert.Equal(2, await worker.Result.WaitAsync(timeout));
        }

        Activity[] adds = await recorder.WaitForAsync(a => a.Kind == ActivityKind.Server && a.TraceId == traceId && SpanRecorder.Method(a) == "Add", 2, timeout);
        HashSet<ActivitySpanId> local = [.. recorder.Stopped.Select(a => a.SpanId)];
        Assert.Equal(2, adds.Length);
        Assert.All(adds, add =>
        {
            Assert.NotEqual(default, add.ParentSpanId);
            Assert.DoesNotContain(add.ParentSpanId, local);   // the worker's span, not the parent's or this process's
        });
        Assert.NotEqual(adds[0].ParentSpanId, adds[1].ParentSpanId);
    }

    [Fact(Timeout = 60_000)]
    public async Task WorkerProcess_StartedOutsideAnyTrace_CallsWithoutLoadingDiagnosticSource()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedList<long> list = await manager.CreateListAsync<long>();

        await using WorkerProcess<bool> worker = WorkerProcess.Start(TracingTargets.AddAndReportDiagnosticSourceLoaded, list);

        Assert.False(await worker.Result.WaitAsync(timeout));
        Assert.Equal(1, list.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task ProcessPool_EachTask_CarriesTheContextOfTheCodeThatSubmittedIt()
    {
        CancellationToken timeout = TestTimeout.Token(80);
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedList<long> list = await manager.CreateListAsync<long>();
        await using ProcessPool pool = await ProcessPool.StartAsync(workerCount: 1, cancellationToken: timeout);

        // One worker runs all three tasks: the context is the task's, not the worker's.
        (ActivityTraceId first, ActivitySpanId firstParent, string[] firstSpans) = await SubmitUnderParentAsync(pool, list, timeout);
        (ActivityTraceId second, ActivitySpanId secondParent, string[] secondSpans) = await SubmitUnderParentAsync(pool, list, timeout);
        string[] untraced = await pool.ApplyAsync(TracingTargets.AddListened, list, timeout);

        Assert.NotEqual(first, second);
        foreach ((ActivityTraceId traceId, ActivitySpanId parentId, string[] spans) in new[] { (first, firstParent, firstSpans), (second, secondParent, secondSpans) })
        {
            string[] client = ClientSpanUnder(spans, traceId, parentId);
            Activity server = await recorder.ServerSpanAsync(traceId, "Add", timeout);
            Assert.Equal(client[1], server.ParentSpanId.ToHexString());
        }

        // Submitted outside any activity: the worker's span starts a trace of its own, nested under neither.
        string[] root = Assert.Single(untraced).Split(' ');
        Assert.Equal(default(ActivitySpanId).ToHexString(), root[2]);
        Assert.NotEqual(first.ToHexString(), root[0]);
        Assert.NotEqual(second.ToHexString(), root[0]);
    }

    [Fact(Timeout = 90_000)]
    public async Task ProcessPool_MapChunks_CarryTheContextOfTheCodeThatCalledTheMap()
    {
        CancellationToken timeout = TestTimeout.Token(80);
        using var recorder = new SpanRecorder();
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ISharedList<long> list = await manager.CreateListAsync<long>();
        await using ProcessPool pool = await ProcessPool.StartAsync(workerCount: 2, cancellationToken: timeout);

        Task<string[][]> map;
        ActivityTraceId traceId;
        ActivitySpanId parentId;
        using (Activity parent = SpanRecorder.TestSource.StartActivity("mapper")!)
        {
            traceId = parent.TraceId;
            parentId = parent.SpanId;
            // Two chunks of one item each: both carry the map's context, whichever worker runs them.
            map = pool.MapAsync(TracingTargets.AddListened, new[] { list, list }, chunkSize: 1, cancellationToken: timeout);
        }

        string[][] results = await map.WaitAsync(timeout);
        Assert.Equal(2, results.Length);
        Activity[] servers = await recorder.WaitForAsync(a => a.Kind == ActivityKind.Server && a.TraceId == traceId && SpanRecorder.Method(a) == "Add", 2, timeout);
        foreach (string[] spans in results)
        {
            string[] client = ClientSpanUnder(spans, traceId, parentId);
            Assert.Single(servers, server => server.ParentSpanId.ToHexString() == client[1]);
        }
    }

    private static async Task<(ActivityTraceId TraceId, ActivitySpanId ParentId, string[] Spans)> SubmitUnderParentAsync(ProcessPool pool, ISharedList<long> list, CancellationToken timeout)
    {
        Task<string[]> task;
        ActivityTraceId traceId;
        ActivitySpanId parentId;
        using (Activity parent = SpanRecorder.TestSource.StartActivity("submitter")!)
        {
            traceId = parent.TraceId;
            parentId = parent.SpanId;
            task = pool.ApplyAsync(TracingTargets.AddListened, list, timeout);
        }

        return (traceId, parentId, await task.WaitAsync(timeout));
    }

    /// <summary>
    /// Under a new activity of this process, a worker (its own process) that listens adds to <paramref name="list"/>;
    /// checks that its one client span is in the activity's trace and its child, and returns it
    /// ("traceId spanId parentSpanId kind name") with the trace id.
    /// </summary>
    private static async Task<(string[] ClientSpan, ActivityTraceId TraceId)> AddFromAListeningWorkerAsync(ISharedList<long> list, CancellationToken timeout)
    {
        using Activity parent = SpanRecorder.TestSource.StartActivity("parent")!;
        await using WorkerProcess<string[]> worker = WorkerProcess.Start(TracingTargets.AddListened, list);
        string[] workerSpans = await worker.Result.WaitAsync(timeout);
        await worker.Completion.WaitAsync(timeout);
        Assert.Equal(0, worker.ExitCode);
        Assert.NotEqual(Environment.ProcessId, worker.Id);

        return (ClientSpanUnder(workerSpans, parent.TraceId, parent.SpanId), parent.TraceId);
    }

    /// <summary>
    /// Checks that a worker reported one span, its client span of the list's <c>Add</c>, in
    /// <paramref name="traceId"/> as a child of <paramref name="parentId"/>; returns it
    /// ("traceId spanId parentSpanId kind name").
    /// </summary>
    private static string[] ClientSpanUnder(string[] workerSpans, ActivityTraceId traceId, ActivitySpanId parentId)
    {
        string[] client = Assert.Single(workerSpans).Split(' ');
        Assert.Equal(traceId.ToHexString(), client[0]);
        Assert.Equal(parentId.ToHexString(), client[2]);
        Assert.Equal(nameof(ActivityKind.Client), client[3]);
        Assert.Equal("multiproc:list/Add", client[4]);
        return client;
    }
}
