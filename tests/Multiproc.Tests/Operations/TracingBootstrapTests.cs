using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc.Tests.Operations;

/// <summary>Unit tests (in-process) for the trace context in a worker's bootstrap (docs/tracing.md).</summary>
public sealed class TracingBootstrapTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public void Bootstrap_WithoutContext_AddsNoByte_AndWithOne_AppendsItAfterEveryOtherField()
    {
        byte[] plain = Body(trace: null);
        byte[] traced = Body(new TraceContext(TraceParent, null));
        byte[] withState = Body(new TraceContext(TraceParent, "vendor=1"));

        // The traced bodies are the plain one, then: traceparent (length-prefixed), tracestate's presence flag (and value).
        Assert.Equal(plain, traced[..plain.Length]);
        Assert.Equal(plain.Length + 4 + TraceParent.Length + 1, traced.Length);
        Assert.Equal(traced.Length + 4 + "vendor=1".Length, withState.Length);

        Assert.Null(WorkerBootstrap.Read(plain).Trace);
        Assert.Equal(new TraceContext(TraceParent, null), WorkerBootstrap.Read(traced).Trace);
        Assert.Equal(new TraceContext(TraceParent, "vendor=1"), WorkerBootstrap.Read(withState).Trace);
    }

    private static byte[] Body(TraceContext? trace)
    {
        var bootstrap = new WorkerBootstrap
        {
            SocketPath = "/tmp/dir/s",
            Token = [1, 2, 3],
            HostCommand = new WorkerHostCommand("/usr/bin/dotnet", "/app/app.runtimeconfig.json", null, "/app/Multiproc.dll"),
            Target = [4, 5],
            Trace = trace,
        };
        var frame = new WorkerFrameBuffer();
        bootstrap.WriteFrame(frame);
        var reader = new WorkerFrameReader(new MemoryStream(frame.WrittenMemory.ToArray()));
        Assert.True(reader.TryRead(out _, out ReadOnlyMemory<byte> body));
        return body.ToArray();
    }
}
