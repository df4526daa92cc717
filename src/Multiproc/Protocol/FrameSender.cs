using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>
/// Sends whole frames on a socket from many threads, coalescing frames that arrive while a send
/// is in progress into the next send.
/// </summary>
/// <remarks>
/// The first sender sends its frame directly (no copy, no added latency); frames queued behind it
/// go out in one batch when it finishes, which is what makes pipelined calls cheap.
/// A failed send faults the sender: every later <see cref="Send"/> throws.
/// With <see cref="SendLimits"/> (the server's side) the sender is bounded and never blocks a caller
/// on a full socket: see FrameSender.Bounded.cs.
/// A frame sent with <see cref="SendAndWait"/> is known to be written when the call returns, and one
/// sent with an <see cref="IFrameWrittenObserver"/> tells its observer, whichever thread wrote it.
/// <para>Over 300 lines on purpose: one lock guards the queue, the batch in flight, the flush schedule
/// and the write-waiter tickets, and every path (sync send, deferred, heartbeat) must be read against
/// that one invariant. The bounded-backlog half is already its own partial.</para>
/// </remarks>
internal sealed partial class FrameSender : IThreadPoolWorkItem
{
    private const int InitialBufferSize = 16 * 1024;

    // A queue buffer that grew past this for a burst is dropped once drained, so the memory of a
    // burst (or of a client that stopped reading) comes back.
    private const int KeepBufferLimit = 256 * 1024;

    private readonly ConnectionSocket _socket;
    private readonly Lock _lock = new();
    private byte[] _queued = new byte[InitialBufferSize];
    private byte[]? _spare = new byte[InitialBufferSize];
    private int _queuedLength;
    private int _queuedFrames;
    private bool _sending;
    private bool _flushScheduled;
    private volatile Exception? _fault;

    // The batch being sent, owned by the thread holding the sending role (_sending).
    private byte[]? _batch;
    private int _batchOffset;
    private int _batchLength;
    private int _batchFrames;

    // Frames ever queued (a frame's ticket) and ever written, and who waits until a ticket is written.
    private long _ticketsIssued;
    private long _ticketsWritten;
    private readonly Queue<(long Ticket, IFrameWrittenObserver Observer)> _writeWaiters = new();

    // Accepted but not yet handed to the kernel (queued, held, or the unsent rest of the batch).
    private long _unsentBytes;

    // Handed to the kernel since the sender was made (metrics).
    private long _bytesSent;
    private int _unsentFrames;

    public FrameSender(Socket socket, Action<Exception>? onFault = null, SendLimits? limits = null)
        : this(new NetConnectionSocket(socket), onFault, limits)
    {
    }

    public FrameSender(ConnectionSocket socket, Action<Exception>? onFault = null, SendLimits? limits = null)
    {
        _socket = socket;
        OnFault = onFault;
        _limits = limits;
        _roomPerWritablePoll = RoomPerWritablePoll(socket);
    }

    /// <summary>
    /// Gets where a deferred flush runs; default the thread pool. A server passes its own threads:
    /// replies must leave while callers in its process hold every pool thread.
    /// </summary>
    public Action<IThreadPoolWorkItem> ScheduleFlush { get; init; } = static flush => ThreadPool.UnsafeQueueUserWorkItem(flush, preferLocal: false);

    /// <summary>Gets the callback told once when the sender faults: a send failed (perhaps with no caller there to see it), a limit was passed, or it was aborted.</summary>
    private Action<Exception>? OnFault { get; }

    /// <summary>Gets the bytes accepted and not yet written to the socket.</summary>
    public long UnsentBytes => Volatile.Read(ref _unsentBytes);

    /// <summary>Gets the bytes handed to the kernel so far (readable from any thread).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Gets the frames accepted and not yet wholly written to the socket.</summary>
    public int UnsentFrames => Volatile.Read(ref _unsentFrames);

    /// <summary>Gets whether the sender has failed (every later send throws).</summary>
    public bool IsFaulted => _fault is not null;

    /// <summary>
    /// Queues a frame to leave with the next batch: a flush is scheduled at the back of
    /// <see cref="ScheduleFlush"/>'s queue, so frames written by work already queued join the same send.
    /// </summary>
    /// <remarks>For pipelined async calls; a caller waiting on its reply should use <see cref="Send"/>.</remarks>
    /// <exception cref="IOException">The socket already failed, or (bounded) the frame would take the backlog over its limit.</exception>
    public void SendDeferred(ReadOnlySpan<byte> frame)
    {
        bool accepted;
        bool schedule;
        lock (_lock)
        {
            ThrowIfFaulted();
            accepted = TryEnqueue(frame);
            schedule = accepted && !_sending && !_flushScheduled;
            _flushScheduled |= schedule;
        }

        if (!accepted)
        {
            throw Reject(frame.Length);
        }

        if (schedule)
        {
            ScheduleFlush(this);
        }
    }

    /// <summary>Runs a scheduled flush.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        lock (_lock)
        {
            _flushScheduled = false;
            if (_sending || _fault is not null)
            {
                return;
            }

            _sending = true;
        }

        if (_limits is not null)
        {
            // The flush runs on shared machinery: it must never wait on this one peer.
            DrainWithoutBlocking();
            return;
        }

        try
        {
            DrainQueue();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            FailWhileSending(ex);
        }
    }

    /// <summary>Sends a frame now, blocking until it and the frames queued before it are written (unbounded senders only).</summary>
    /// <exception cref="IOException">The socket failed, now or in an earlier send.</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            ThrowIfFaulted();
            if (_sending)
            {
                TryEnqueue(frame);
                return;
            }

            _sending = true;
            if (_queuedLength > 0)
            {
                // Deferred frames were queued first; they must leave first.
                TryEnqueue(frame);
                frame = default;
            }
        }

        try
        {
            SendAll(frame);
            DrainQueue();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw FailWhileSending(ex);
        }
    }

    /// <summary>
    /// Sends a frame behind every frame queued before it and returns once it has been written to the
    /// socket: directly when nobody is sending, else in the sending thread's next batch (waited for).
    /// </summary>
    /// <remarks>For a frame that must be out of this process before the caller goes on (a receipt). Unbounded senders only.</remarks>
    /// <exception cref="IOException">The socket failed, now or in an earlier send.</exception>
    public void SendAndWait(ReadOnlySpan<byte> frame)
    {
        FrameWrittenSignal? written = null;
        lock (_lock)
        {
            ThrowIfFaulted();
            TryEnqueue(frame);
            if (_sending)
            {
                written = new FrameWrittenSignal();
                _writeWaiters.Enqueue((_ticketsIssued, written));
            }

            _sending = true;
        }

        if (written is not null)
        {
            written.Wait();
            return;
        }

        try
        {
            DrainQueue();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw FailWhileSending(ex);
        }
    }

    /// <summary>
    /// Queues a frame and tells <paramref name="observer"/> once it has been written (or never can
    /// be). Nothing is scheduled: the frame leaves with whichever send comes next, and the caller
    /// must end its run of held frames with <see cref="FlushWithoutBlocking"/>.
    /// </summary>
    /// <remarks>
    /// For a reader that acknowledges the replies of one receive together: it never writes here,
    /// so it may hold the read role. A faulted sender tells the observer at once, on this thread.
    /// </remarks>
    public void Hold(ReadOnlySpan<byte> frame, IFrameWrittenObserver observer)
    {
        IOException? fault;
        lock (_lock)
        {
            fault = (IOException?)_fault;
            if (fault is null && TryEnqueue(frame))
            {
                _writeWaiters.Enqueue((_ticketsIssued, observer));
                return;
            }
        }

        // Faulted (or, bounded, rejected) outside the lock: the owner's callback must not run under it.
        observer.OnWriteFailed(fault ?? Reject(frame.Length));
    }

    /// <summary>
    /// Sends what is queued now when the socket has room for all of it (so this thread cannot
    /// block), and otherwise leaves it to the send under way or to a scheduled flush.
    /// </summary>
    public void FlushWithoutBlocking()
    {
        bool send = false;
        bool schedule = false;
        lock (_lock)
        {
            if (_fault is not null || _sending || _queuedLength == 0)
            {
                return;
            }

            if (HasRoomForAllLocked(0))
            {
                _sending = true;
                TakeBatchLocked();
                send = true;
            }
            else if (!_flushScheduled)
            {
                _flushScheduled = true;
                schedule = true;
            }
        }

        if (send)
        {
            SendBatchWithoutBlocking();
        }
        else if (schedule)
        {
            ScheduleFlush(this);
        }
    }

    /// <summary>
    /// Sends a small frame without ever blocking: it joins the queue when a send is under way or the
    /// queue is too long to go now, and is dropped (false) when the socket has no room right now and
    /// nothing is queued.
    /// </summary>
    /// <remarks>
    /// For heartbeats, sent by a thread that must stay free to notice a dead peer. When what is
    /// queued fits in the room the socket has now, this thread sends it all itself, so a heartbeat
    /// never waits behind a flush still waiting for a (perhaps starved) pool thread.
    /// </remarks>
    public bool TrySendWithoutBlocking(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            if (_fault is not null)
            {
                return false;
            }

            // Frames are queued only while a send is under way, a flush is scheduled, or a reader is
            // about to flush what it held (Hold, then FlushWithoutBlocking): they will be carried.
            bool carried = _sending || _queuedLength > 0;
            if (!HasRoomForAllLocked(frame.Length))
            {
                return carried && TryEnqueue(frame);
            }

            TryEnqueue(frame);
            _sending = true;
            TakeBatchLocked();
        }

        return SendBatchWithoutBlocking();
    }

    /// <summary>Sends the batch just taken, which fits in the room the socket reported, then gives up the sending role.</summary>
    /// <returns>False when the socket failed.</returns>
    private bool SendBatchWithoutBlocking()
    {
        bool scheduleFlush;
        try
        {
            // All of it fits in the room the socket reported, so this send cannot wait.
            SendAll(_batch.AsSpan(0, _batchLength));
            Advance(_batchLength);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            FailWhileSending(ex);
            return false;
        }

        lock (_lock)
        {
            RetireBatchLocked();
            _sending = false;
            scheduleFlush = _queuedLength > 0 && !_flushScheduled && _fault is null;
            _flushScheduled |= scheduleFlush;
        }

        if (scheduleFlush)
        {
            ScheduleFlush(this);
        }

        return true;
    }

    /// <summary>
    /// Whether the queue plus <paramref name="extra"/> bytes could be sent now without blocking:
    /// nobody is sending, it fits in the room one writable poll promises, and the socket reports room.
    /// </summary>
    private bool HasRoomForAllLocked(int extra)
        => !_sending && _queuedLength + extra <= _roomPerWritablePoll && HasRoomNow();

    /// <summary>Whether the socket reports room to write now; a closed socket has none (the flush scheduled instead finds the fault).</summary>
    private bool HasRoomNow()
    {
        try
        {
            return _socket.PollWritable(0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Fails the sender for good (the connection is closing) and lets go of its buffers.</summary>
    public void Abort(Exception reason) => Fault(reason);

    private void DrainQueue()
    {
        while (TakeBatch())
        {
            SendAll(_batch.AsSpan(_batchOffset, _batchLength - _batchOffset));
            Advance(_batchLength - _batchOffset);
        }
    }

    /// <summary>Moves the queue into the batch to send (the sending role's); false, releasing the role, when nothing is left.</summary>
    private bool TakeBatch()
    {
        lock (_lock)
        {
            return TakeBatchLocked();
        }
    }

    private bool TakeBatchLocked()
    {
        if (RetireBatchLocked())
        {
            return true;
        }

        if (_queuedLength == 0 || _fault is not null)
        {
            _sending = false;
            if (_queued.Length > KeepBufferLimit)
            {
                _queued = new byte[InitialBufferSize];
            }

            return false;
        }

        _batch = _queued;
        _batchOffset = 0;
        _batchLength = _queuedLength;
        _batchFrames = _queuedFrames;
        _queued = _spare ?? new byte[InitialBufferSize];
        _spare = null;
        _queuedLength = 0;
        _queuedFrames = 0;
        return true;
    }

    /// <summary>Retires the batch once wholly sent (or the sender failed); true while part of it is still to send.</summary>
    private bool RetireBatchLocked()
    {
        if (_batch is null)
        {
            return false;
        }

        if (_batchOffset < _batchLength && _fault is null)
        {
            return true;
        }

        Interlocked.Add(ref _unsentFrames, -_batchFrames);
        _ticketsWritten += _batchFrames;
        // Waiters' continuations run asynchronously, so completing them here runs no foreign code.
        while (_writeWaiters.TryPeek(out (long Ticket, IFrameWrittenObserver Observer) waiter) && waiter.Ticket <= _ticketsWritten)
        {
            _writeWaiters.Dequeue();
            waiter.Observer.OnWritten();
        }

        if (_batch.Length <= KeepBufferLimit && _fault is null)
        {
            _spare = _batch;
        }

        _batch = null;
        return false;
    }

    /// <summary>Appends a frame to the queue; false (nothing queued) when it would take a bounded backlog over its limit.</summary>
    private bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
        if (_limits is not null && UnsentBytes + frame.Length > _limits.MaxBytes)
        {
            return false;
        }

        if (_queued.Length - _queuedLength < frame.Length)
        {
            Array.Resize(ref _queued, Math.Max(_queued.Length * 2, _queuedLength + frame.Length));
        }

        frame.CopyTo(_queued.AsSpan(_queuedLength));
        _queuedLength += frame.Length;
        _queuedFrames++;
        _ticketsIssued++;
        Interlocked.Increment(ref _unsentFrames);
        long unsent = Interlocked.Add(ref _unsentBytes, frame.Length);
        NotePeak(unsent);
        return true;
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = _socket.Send(data);
            Interlocked.Add(ref _bytesSent, sent);
            data = data[sent..];
        }
    }

    /// <summary>Called by the sending role's holder when the socket failed under it: gives up the role and faults.</summary>
    private IOException FailWhileSending(Exception cause)
    {
        lock (_lock)
        {
            _batch = null;
            _sending = false;
        }

        return Fault(cause is IOException io ? io : new IOException("The connection is closed.", cause));
    }

    /// <summary>Faults the sender once: frees its buffers, wakes waiters and tells the owner.</summary>
    private IOException Fault(Exception reason)
    {
        IOException fault = reason as IOException ?? new IOException(reason.Message, reason);
        bool first;
        lock (_lock)
        {
            first = _fault is null;
            if (first)
            {
                _fault = fault;
                _queued = [];
                _spare = null;
                _queuedLength = 0;
            }
        }

        if (!first)
        {
            return (IOException)_fault!;
        }

        lock (_lock)
        {
            while (_writeWaiters.TryDequeue(out (long Ticket, IFrameWrittenObserver Observer) waiter))
            {
                waiter.Observer.OnWriteFailed(fault);
            }
        }

        WakeRoomWaiters();
        OnFault?.Invoke(fault);
        return fault;
    }

    private void ThrowIfFaulted()
    {
        if (_fault is { } fault)
        {
            throw fault;
        }
    }
}
