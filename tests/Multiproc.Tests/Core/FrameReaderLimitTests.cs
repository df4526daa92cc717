using System.Net;
using System.Net.Sockets;
using Multiproc.Protocol;

namespace Multiproc.Tests.Core;

/// <summary>The one frame reader refuses a length over its limit before allocating anything for it, on both channels.</summary>
public sealed class FrameReaderLimitTests
{
    private static readonly byte[] s_twoGigabytes = [0x00, 0x00, 0x00, 0x80];

    [Fact]
    public void Socket_TwoGigabyteLength_ProtocolViolation_WithoutAllocatingForIt()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint!);
        using Socket accepted = listener.Accept();
        accepted.ReceiveTimeout = 10_000; // bounded: the four bytes are already sent
        peer.Send(s_twoGigabytes);
        var reader = new FrameReader(accepted, 64 * 1024 * 1024);

        long before = GC.GetAllocatedBytesForCurrentThread();
        ProtocolViolationException error = Assert.Throws<ProtocolViolationException>(() => reader.ReadFrame());

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "the reader allocated for the bogus length");
        Assert.Contains("exceeds the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_LengthOverTheWorkerLimit_InvalidData_WithoutAllocatingForIt()
    {
        var reader = new Multiproc.Processes.Channel.WorkerFrameReader(new MemoryStream([.. s_twoGigabytes, 1]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => reader.TryRead(out _, out _));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, "the reader allocated for the bogus length");
    }
}
