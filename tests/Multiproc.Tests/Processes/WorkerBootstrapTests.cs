using Multiproc.Processes.Channel;
using Multiproc.Processes.Launch;

namespace Multiproc.Tests.Processes;

/// <summary>Unit tests (in-process) for the bootstrap a worker reads from stdin, and for remote errors.</summary>
public sealed class WorkerBootstrapTests
{
    [Fact]
    public void Read_WrittenFrame_RoundTripsEveryField()
    {
        var bootstrap = new WorkerBootstrap
        {
            IsPool = true,
            SocketPath = "/tmp/dir/s",
            Token = [1, 2, 3],
            HostCommand = new WorkerHostCommand("/usr/bin/dotnet", "/app/Ünïcode app.runtimeconfig.json", null, "/app/Multiproc.dll"),
            Target = [4, 5],
            Arguments = null,
            Initializer = [],
        };
        var frame = new WorkerFrameBuffer();
        bootstrap.WriteFrame(frame);
        var reader = new WorkerFrameReader(new MemoryStream(frame.WrittenMemory.ToArray()));

        Assert.True(reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body));
        WorkerBootstrap read = WorkerBootstrap.Read(body.Span);

        Assert.Equal(WorkerFrameKind.Bootstrap, kind);
        Assert.True(read.IsPool);
        Assert.Equal("/tmp/dir/s", read.SocketPath);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Token);
        Assert.Equal(bootstrap.HostCommand, read.HostCommand);
        Assert.Equal(new byte[] { 4, 5 }, read.Target);
        Assert.Null(read.Arguments);
        Assert.Equal(Array.Empty<byte>(), read.Initializer);
    }

    [Fact]
    public void Read_OtherVersion_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => WorkerBootstrap.Read([99, 0, 0, 0, 0]));
    }

    [Fact]
    public void RemoteErrorRead_WrittenException_KeepsTypeMessageStackAndInner()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("outer", new FormatException("inner"));
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var frame = new WorkerFrameBuffer();
        var writer = new MessagePack.MessagePackWriter(frame.Body);
        WorkerRemoteError.Write(ref writer, thrown);
        writer.Flush();
        var error = Assert.IsType<InvalidOperationException>(WorkerRemoteError.Read(frame.WrittenMemory));

        Assert.Equal("outer", error.Message);
        Assert.Contains(nameof(RemoteErrorRead_WrittenException_KeepsTypeMessageStackAndInner), error.StackTrace, StringComparison.Ordinal);
        Assert.Contains("inner", error.StackTrace, StringComparison.Ordinal);
    }
}
