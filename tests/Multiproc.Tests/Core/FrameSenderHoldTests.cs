using System.Net;
using System.Net.Sockets;
using Multiproc.Protocol;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

/// <summary>
/// Frames a reader holds (receipts) and flushes without ever blocking: unit tests of
/// <see cref="FrameSender.Hold"/> and <see cref="FrameSender.FlushWithoutBlocking"/> on a real
/// loopback socket pair.
/// </summary>
public sealed class FrameSenderHoldTests : IDisposable
{
    private static readonly byte[] s_frame = [3, 0, 0, 0, 0x92, 0x07, 0x02];

    private readonly Socket _sending;
    private readonly Socket _peer;

    public FrameSenderHoldTests()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _sending = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendBufferSize = 4096 };
        _sending.Connect(listener.LocalEndPoint!);
        _peer = listener.Accept();
        _peer.ReceiveBufferSize = 4096;
    }

    [Fact(Timeout = 20_000)]
    public async Task Hold_LeavesOnlyWithTheFlush_AndTellsItsObserverOnceWritten()
    {
        var sender = new FrameSender(_sending);
        var observer = new RecordingObserver();

        sender.Hold(s_frame, observer);
        Assert.Equal(0, _peer.Available);
        Assert.False(observer.Told.IsCompleted);

        sender.FlushWithoutBlocking();

        // The socket had room: the flush wrote on this thread and told the observer before returning.
        Assert.True(observer.Told.IsCompletedSuccessfully);
        byte[] received = await SocketReads.ReadExactlyAsync(_peer, s_frame.Length, "sender", TestTimeout.Token());
        Assert.Equal(s_frame, received);
    }

    [Fact(Timeout = 20_000)]
    public async Task FlushWithoutBlocking_PeerNotReading_ReturnsAtOnce_AndAScheduledFlushWritesOnceThePeerReads()
    {
        var sender = new FrameSender(_sending);
        long filled = FillSendPath();
        var observer = new RecordingObserver();

        sender.Hold(s_frame, observer);
        Task flush = Task.Factory.StartNew(sender.FlushWithoutBlocking, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await flush.WaitAsync(TestTimeout.Token(5));
        Assert.False(observer.Told.IsCompleted);

        // Once the peer reads, the flush scheduled instead writes the frame and tells the observer.
        await SocketReads.ReadExactlyAsync(_peer, (int)filled, "sender", TestTimeout.Token());
        await observer.Told.WaitAsync(TestTimeout.Token());
        Assert.Equal(s_frame, await SocketReads.ReadExactlyAsync(_peer, s_frame.Length, "sender", TestTimeout.Token()));
    }

    [Fact(Timeout = 20_000)]
    public async Task Hold_FaultedSender_TellsItsObserverAtOnce()
    {
        var sender = new FrameSender(_sending);
        sender.Abort(new IOException("closed for the test"));
        var observer = new RecordingObserver();

        sender.Hold(s_frame, observer);

        IOException fault = await Assert.ThrowsAsync<IOException>(() => observer.Told.WaitAsync(TestTimeout.Token()));
        Assert.Contains("closed for the test", fault.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _sending.Dispose();
        _peer.Dispose();
    }

    /// <summary>Writes until the kernel refuses more (the peer not reading); returns how many bytes went.</summary>
    private long FillSendPath()
    {
        byte[] chunk = new byte[1024];
        long written = 0;
        _sending.Blocking = false;
        try
        {
            while (true)
            {
                written += _sending.Send(chunk);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return written;
        }
        finally
        {
            _sending.Blocking = true;
        }
    }

    private sealed class RecordingObserver : IFrameWrittenObserver
    {
        private readonly TaskCompletionSource _told = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Told => _told.Task;

        public void OnWritten() => _told.TrySetResult();

        public void OnWriteFailed(IOException fault) => _told.TrySetException(fault);
    }
}
