using Multiproc.Processes.Channel;

namespace Multiproc.Tests.Processes;

/// <summary>Unit tests (in-process) for framing.</summary>
public sealed class WorkerFrameReaderTests
{
    [Fact]
    public void TryRead_FramesSplitIntoSingleBytes_ReturnsEachFrameThenEnd()
    {
        var frames = new WorkerFrameBuffer(16);
        frames.Append(WorkerFrameKind.Result, [1, 2, 3]);
        frames.Append(WorkerFrameKind.Ready, []);
        frames.Append(WorkerFrameKind.Error, new byte[5000]);
        var reader = new WorkerFrameReader(new TrickleStream(frames.WrittenMemory.ToArray()), initialCapacity: 8);

        Assert.True(reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body));
        Assert.Equal(WorkerFrameKind.Result, kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, body.ToArray());
        Assert.True(reader.TryRead(out kind, out body));
        Assert.Equal(WorkerFrameKind.Ready, kind);
        Assert.True(body.IsEmpty);
        Assert.True(reader.TryRead(out kind, out body));
        Assert.Equal(WorkerFrameKind.Error, kind);
        Assert.Equal(5000, body.Length);
        Assert.False(reader.TryRead(out _, out _));
    }

    [Fact]
    public void TryRead_StreamEndsInsideAFrame_ThrowsEndOfStream()
    {
        var frames = new WorkerFrameBuffer();
        frames.Append(WorkerFrameKind.Result, [1, 2, 3]);
        byte[] truncated = frames.WrittenMemory[..^1].ToArray();

        var reader = new WorkerFrameReader(new MemoryStream(truncated));

        Assert.Throws<EndOfStreamException>(() => reader.TryRead(out _, out _));
    }

    [Fact]
    public void TryRead_NegativeLength_ThrowsInvalidData()
    {
        var reader = new WorkerFrameReader(new MemoryStream([0xff, 0xff, 0xff, 0xff, 1]));

        Assert.Throws<InvalidDataException>(() => reader.TryRead(out _, out _));
    }

    [Fact]
    public async Task ReadAsync_TwoFrames_ReturnsBothThenNull()
    {
        var frames = new WorkerFrameBuffer();
        frames.Append(WorkerFrameKind.Result, [9]);
        frames.Append(WorkerFrameKind.Stop, []);
        var reader = new WorkerFrameReader(new MemoryStream(frames.WrittenMemory.ToArray()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var first = await reader.ReadAsync(timeout.Token);
        Assert.Equal(WorkerFrameKind.Result, first?.Kind);
        Assert.Equal((byte)9, first!.Value.Body.Span[0]);
        Assert.Equal(WorkerFrameKind.Stop, (await reader.ReadAsync(timeout.Token))?.Kind);
        Assert.Null(await reader.ReadAsync(timeout.Token));
    }
}
