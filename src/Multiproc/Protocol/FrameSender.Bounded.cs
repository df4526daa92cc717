using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>
/// The bounded discipline (the server's side of a connection): a backlog limit, sends that never
/// block a caller on a full socket, a drain thread of the connection's own when the peer is slow,
/// and a stall limit.
/// </summary>
/// <remarks>
/// Replies are produced by whichever thread finishes a call (pool threads, other connections'
/// readers completing a wait, the scheduler), so none of them may wait for one peer to read. A
/// drain checks that the socket is writable before each send and sends no more than it can then
/// take without waiting (a quarter of the send buffer; Linux reports a socket writable only with
/// at least a third of it free). When the socket is full the rest is handed to a thread of the
/// connection's own, which waits for room and gives up (faulting the sender) when the peer takes
/// nothing for <see cref="SendLimits.StallTimeout"/>. The socket's send timeout backs this up
/// where a platform reports writability more loosely.
/// </remarks>
internal sealed partial class FrameSender
{
    private const int PerSendOverhead = 1024;

    private static readonly TimeSpan s_patientPoll = TimeSpan.FromMilliseconds(250);

    private readonly SendLimits? _limits;
    private readonly int _roomPerWritablePoll;
    private readonly object _roomSignal = new();
    private int _room;
    private int _roomWaiters;
    private long _peakUnsentBytes;

    /// <summary>Gets the most bytes that were ever waiting to be sent at once.</summary>
    public long PeakUnsentBytes => Volatile.Read(ref _peakUnsentBytes);

    /// <summary>Queues a frame without scheduling a flush: the caller flushes (with <see cref="Flush"/>) when its batch ends.</summary>
    /// <exception cref="IOException">The sender failed, or the frame would take the backlog over its limit.</exception>
    public void Hold(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            ThrowIfFaulted();
            if (TryEnqueue(frame))
            {
                return;
            }
        }

        throw Reject(frame.Length);
    }

    /// <summary>Sends what is queued, as far as the socket takes it now; a full socket hands the rest to the drain thread.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_sending || _fault is not null || _queuedLength == 0)
            {
                return;
            }

            _sending = true;
        }

        DrainWithoutBlocking();
    }

    /// <summary>
    /// Blocks while the backlog is above the low-water mark (the reader's backpressure: it takes no
    /// new requests while the replies to earlier ones have not left).
    /// </summary>
    /// <exception cref="IOException">The sender failed (the connection is being dropped).</exception>
    public void WaitForRoom()
    {
        long lowWater = _limits!.LowWater;
        Interlocked.Increment(ref _roomWaiters);
        try
        {
            lock (_roomSignal)
            {
                while (UnsentBytes > lowWater && _fault is null)
                {
                    // Bounded: a wake-up lost to a race costs a second, never a hang.
                    Monitor.Wait(_roomSignal, TimeSpan.FromSeconds(1));
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _roomWaiters);
        }

        ThrowIfFaulted();
    }

    /// <summary>Gets whether the backlog is over the high-water mark, where the reader stops taking requests.</summary>
    public bool IsBackedUp => _limits is not null && UnsentBytes > _limits.HighWater;

    private void DrainWithoutBlocking()
    {
        try
        {
            while (TakeBatch())
            {
                while (_batchOffset < _batchLength)
                {
                    int sent = SendIfRoom(_batch.AsSpan(_batchOffset, _batchLength - _batchOffset));
                    if (sent == 0)
                    {
                        // The sending role (and the batch) go to the drain thread.
                        StartDrainThread();
                        return;
                    }

                    Advance(sent);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            FailWhileSending(ex);
        }
    }

    private void StartDrainThread()
    {
        try
        {
            new Thread(DrainPatiently) { IsBackground = true, Name = "multiproc-server-drain" }.Start();
        }
        catch (Exception ex) when (ex is OutOfMemoryException or ThreadStartException)
        {
            FailWhileSending(ex);
        }
    }

    /// <summary>The drain thread: waits for room in the socket, and gives up when the peer takes nothing for the stall limit.</summary>
    private void DrainPatiently()
    {
        TimeProvider clock = _limits!.TimeProvider;
        long lastProgress = clock.GetTimestamp();
        try
        {
            while (TakeBatch())
            {
                while (_batchOffset < _batchLength)
                {
                    int sent = SendIfRoom(_batch.AsSpan(_batchOffset, _batchLength - _batchOffset));
                    if (sent > 0)
                    {
                        Advance(sent);
                        lastProgress = clock.GetTimestamp();
                        continue;
                    }

                    TimeSpan stalled = clock.GetElapsedTime(lastProgress);
                    if (stalled >= _limits.StallTimeout)
                    {
                        FailWhileSending(new PeerNotReadingException(
                            $"the client took none of its {UnsentBytes} pending reply bytes for {stalled.TotalSeconds:0.#} s"));
                        return;
                    }

                    _socket.PollWritable((int)s_patientPoll.TotalMicroseconds);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            FailWhileSending(ex);
        }
    }

    /// <summary>Sends as much of <paramref name="data"/> as the socket takes without waiting; 0 when it is full.</summary>
    private int SendIfRoom(ReadOnlySpan<byte> data)
    {
        if (_room < Math.Min(data.Length, _roomPerWritablePoll - PerSendOverhead))
        {
            if (!_socket.PollWritable(0))
            {
                return 0;
            }

            // Room only grows until we send again: nobody else writes to this socket.
            _room = _roomPerWritablePoll;
        }

        int sent = _socket.Send(data[..Math.Min(data.Length, _room)]);
        Interlocked.Add(ref _bytesSent, sent);
        // The kernel charges each send its buffer overhead too (a Unix socket takes a buffer per send).
        _room -= sent + PerSendOverhead;
        return sent;
    }

    /// <summary>Records bytes handed to the kernel; wakes a reader waiting for room once under the low-water mark.</summary>
    private void Advance(int sent)
    {
        _batchOffset += sent;
        long unsent = Interlocked.Add(ref _unsentBytes, -sent);
        if (_limits is not null && Volatile.Read(ref _roomWaiters) > 0 && unsent <= _limits.LowWater)
        {
            WakeRoomWaiters();
        }
    }

    private void WakeRoomWaiters()
    {
        if (Volatile.Read(ref _roomWaiters) > 0)
        {
            lock (_roomSignal)
            {
                Monitor.PulseAll(_roomSignal);
            }
        }
    }

    /// <summary>Faults the sender because a frame would take the backlog over the limit; returns the exception to throw.</summary>
    private IOException Reject(int frameLength) => Fault(new PeerNotReadingException(
        $"its replies backed up: {UnsentBytes} bytes not taken, and {frameLength} more would pass the limit of {_limits!.MaxBytes} bytes"));

    private void NotePeak(long unsent)
    {
        long peak = Volatile.Read(ref _peakUnsentBytes);
        while (unsent > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peakUnsentBytes, unsent, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    /// <summary>How much may be sent after the socket polled writable without the send waiting.</summary>
    private static int RoomPerWritablePoll(ConnectionSocket socket) => Math.Clamp(socket.SendBufferSize / 4, 4 * PerSendOverhead, 1024 * 1024);
}
