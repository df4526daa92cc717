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
/// A frame sent with <see cref="SendAndWait"/> or <see cref="SendDeferredAndWaitAsync"/> is known to
/// be written when the call returns (its task completes), whichever thread wrote it.
/// </remarks>
internal sealed class FrameSender : IThreadPoolWorkItem
{
    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private byte[] _queued = new byte[16 * 1024];
    private byte[] _spare = new byte[16 * 1024];
    private int _queuedLength;
    private bool _sending;
    private bool _flushScheduled;
    private IOException? _fault;

    // Frames ever queued (a frame's ticket), and who waits until the batch holding a ticket is written.
    private long _queuedFrames;
    private readonly Queue<(long Ticket, TaskCompletionSource Written)> _writeWaiters = new();

    public FrameSender(Socket socket, Action<Exception>? onFault = null)
    {
        _socket = socket;
        OnFault = onFault;
    }

    /// <summary>
    /// Gets where a deferred flush runs; default the thread pool. A server passes its own threads:
    /// replies must leave while callers in its process hold every pool thread.
    /// </summary>
    public Action<IThreadPoolWorkItem> ScheduleFlush { get; init; } = static flush => ThreadPool.UnsafeQueueUserWorkItem(flush, preferLocal: false);

    /// <summary>Gets the callback told when a deferred send fails (no caller is there to see the exception).</summary>
    private Action<Exception>? OnFault { get; }

    /// <summary>
    /// Queues a frame to leave with the next batch: a flush is scheduled at the back of the thread
    /// pool's queue, so frames written by continuations already queued join the same send.
    /// </summary>
    /// <remarks>For pipelined async calls; a caller waiting on its reply should use <see cref="Send"/>.</remarks>
    /// <exception cref="IOException">The socket already failed.</exception>
    public void SendDeferred(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            ThrowIfFaulted();
            Enqueue(frame);
            if (_sending || _flushScheduled)
            {
                return;
            }

            _flushScheduled = true;
        }

        ScheduleFlush(this);
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

        try
        {
            DrainQueue();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            lock (_lock)
            {
                _fault ??= new IOException("The connection is closed.", ex);
                _sending = false;
                FailWriteWaiters();
            }

            OnFault?.Invoke(_fault);
        }
    }

    /// <exception cref="IOException">The socket failed, now or in an earlier send.</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        lock (_lock)
        {
            ThrowIfFaulted();
            if (_sending)
            {
                Enqueue(frame);
                return;
            }

            _sending = true;
            if (_queuedLength > 0)
            {
                // Deferred frames were queued first; they must leave first.
                Enqueue(frame);
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
            throw Faulted(ex);
        }
    }

    /// <summary>
    /// Sends a frame behind every frame queued before it and returns once it has been written to the
    /// socket: directly when nobody is sending, else in the sending thread's next batch (waited for).
    /// </summary>
    /// <remarks>For a frame that must be out of this process before the caller goes on (a receipt).</remarks>
    /// <exception cref="IOException">The socket failed, now or in an earlier send.</exception>
    public void SendAndWait(ReadOnlySpan<byte> frame)
    {
        TaskCompletionSource? written = null;
        lock (_lock)
        {
            ThrowIfFaulted();
            Enqueue(frame);
            if (_sending)
            {
                written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _writeWaiters.Enqueue((_queuedFrames, written));
            }

            _sending = true;
        }

        if (written is not null)
        {
            written.Task.GetAwaiter().GetResult();
            return;
        }

        try
        {
            DrainQueue();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw Faulted(ex);
        }
    }

    /// <summary>
    /// Queues a frame to leave with the next batch, like <see cref="SendDeferred"/>, and completes
    /// once it has been written to the socket.
    /// </summary>
    /// <returns>A task that completes when the frame is written, or fails with <see cref="IOException"/>.</returns>
    public Task SendDeferredAndWaitAsync(ReadOnlySpan<byte> frame)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_fault is not null)
            {
                return Task.FromException(_fault);
            }

            Enqueue(frame);
            _writeWaiters.Enqueue((_queuedFrames, written));
            if (_sending || _flushScheduled)
            {
                return written.Task;
            }

            _flushScheduled = true;
        }

        ScheduleFlush(this);
        return written.Task;
    }

    private void DrainQueue()
    {
        long written = 0;
        while (true)
        {
            byte[] batch;
            int length;
            lock (_lock)
            {
                // Waiters' continuations run asynchronously, so completing them here runs no foreign code.
                while (_writeWaiters.TryPeek(out (long Ticket, TaskCompletionSource Written) waiter) && waiter.Ticket <= written)
                {
                    _writeWaiters.Dequeue();
                    waiter.Written.TrySetResult();
                }

                if (_queuedLength == 0)
                {
                    _sending = false;
                    return;
                }

                batch = _queued;
                length = _queuedLength;
                written = _queuedFrames;
                _queued = _spare;
                _spare = batch;
                _queuedLength = 0;
            }

            SendAll(batch.AsSpan(0, length));
        }
    }

    private void Enqueue(ReadOnlySpan<byte> frame)
    {
        if (_queued.Length - _queuedLength < frame.Length)
        {
            Array.Resize(ref _queued, Math.Max(_queued.Length * 2, _queuedLength + frame.Length));
        }

        frame.CopyTo(_queued.AsSpan(_queuedLength));
        _queuedLength += frame.Length;
        _queuedFrames++;
    }

    /// <summary>Records a failed send and fails every frame waiting to be written.</summary>
    private IOException Faulted(Exception cause)
    {
        lock (_lock)
        {
            _fault ??= new IOException("The connection is closed.", cause);
            _sending = false;
            FailWriteWaiters();
            return _fault;
        }
    }

    /// <summary>Fails every frame waiting to be written (under the lock, once faulted).</summary>
    private void FailWriteWaiters()
    {
        while (_writeWaiters.TryDequeue(out (long Ticket, TaskCompletionSource Written) waiter))
        {
            waiter.Written.TrySetException(_fault!);
        }
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = _socket.Send(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw _fault;
        }
    }
}
