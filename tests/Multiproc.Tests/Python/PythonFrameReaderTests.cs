using System.Buffers.Binary;
using System.Net.Sockets;
using Multiproc.Python.Wire;

namespace Multiproc.Tests.Python;

public sealed class PythonFrameReaderTests
{
    private const int Limit = 1 << 20;

    [Fact]
    public void Read_ShortHeader_ReturnsThePayloadAndStopsAtTheFrameEnd()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Peer.Send([0, 0, 0, 4, .. "ping"u8, 0, 0, 0, 2, .. "ok"u8]);
        var reader = new PythonFrameReader(pair.Local, Limit, quickAck: true);

        Assert.Equal("ping"u8.ToArray(), reader.Read());
        Assert.Equal("ok"u8.ToArray(), reader.Read());
    }

    [Fact]
    public void Read_LongHeaderWithAShortLength_ReturnsThePayload()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Peer.Send([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 5, .. "hello"u8]);

        Assert.Equal("hello"u8.ToArray(), new PythonFrameReader(pair.Local, Limit, quickAck: false).Read());
    }

    [Fact]
    public void WriteHeader_OverTwoGibibytes_WritesMinusOneAndTheEightByteLength()
    {
        byte[] header = new byte[PythonFrame.LongHeaderSize];
        long length = 3L << 30;

        Assert.Equal(PythonFrame.LongHeaderSize, PythonFrame.WriteHeader(header, length));
        Assert.Equal(-1, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal((ulong)length, BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(4)));
        Assert.Equal(PythonFrame.ShortHeaderSize, PythonFrame.WriteHeader(header, int.MaxValue));
        Assert.Equal(int.MaxValue, BinaryPrimitives.ReadInt32BigEndian(header));
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, 0xff, 0xff, 0xff })]
    [InlineData(new byte[] { 0x00, 0x10, 0x00, 0x01 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xc0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    public void Read_LengthOverTheLimit_RefusedBeforeAllocatingOrWaitingForThePayload(byte[] header)
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Peer.Send(header);
        // No payload follows: a reader that waited for it would time out instead of refusing.
        pair.Local.ReceiveTimeout = 10_000;
        var reader = new PythonFrameReader(pair.Local, Limit, quickAck: false);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolViolationException>(() => reader.Read());
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void Read_NegativeLengthOtherThanMinusOne_Refused(int length)
    {
        using LoopbackPair pair = LoopbackPair.Create();
        byte[] header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        pair.Peer.Send(header);

        Assert.Throws<ProtocolViolationException>(() => new PythonFrameReader(pair.Local, Limit, quickAck: false).Read());
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 9, 1, 2, 3 })]
    public void Read_PeerClosesInsideAFrame_ProtocolViolation(byte[] truncated)
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Local.ReceiveTimeout = 10_000;
        pair.Peer.Send(truncated);
        pair.Peer.Shutdown(SocketShutdown.Send);

        Assert.Throws<ProtocolViolationException>(() => new PythonFrameReader(pair.Local, Limit, quickAck: false).Read());
    }

    [Fact]
    public void Read_PeerClosesBetweenFrames_ReturnsNull()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Local.ReceiveTimeout = 10_000;
        pair.Peer.Send([0, 0, 0, 0]);
        pair.Peer.Shutdown(SocketShutdown.Send);
        var reader = new PythonFrameReader(pair.Local, Limit, quickAck: false);

        Assert.Empty(reader.Read()!);
        Assert.Null(reader.Read());
    }

    [Fact]
    public async Task Write_ThenRead_RoundTripsALargePayload()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Local.ReceiveTimeout = 10_000;
        byte[] payload = new byte[300_000];
        Random.Shared.NextBytes(payload);
        var writing = Task.Run(() => PythonFrameWriter.Write(pair.Peer, payload));

        Assert.Equal(payload, new PythonFrameReader(pair.Local, Limit, quickAck: true).Read());
        await writing.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
