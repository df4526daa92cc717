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
    private Exception? _fault;

    // Frames ever queued, and how many of them are known to be written: lets SendAndWait wait for its own frame.
    private long _queuedFrames;
    private long _writtenFrames;
    private int _writeWaiters;
    private readonly object _writtenSignal = new();

    public FrameSender(Socket socket, Action<Exception>? onFault = null)
    {
        _socket = socket;
        OnFault = onFault;
    }

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

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
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
            }

            WakeWriteWaiters();
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
            lock (_lock)
            {
                _fault ??= new IOException("The connection is closed.", ex);
                _sending = false;
            }

            WakeWriteWaiters();
            throw _fault;
        }
    }

    /// <summary>
    /// Sends a frame behind every frame queued before it and returns only once it has been written
    /// to the socket, even when another thread is sending (its frame then leaves in that thread's
    /// next batch, and this one waits for it).
    /// </summary>
    /// <remarks>For a frame that must be out of this process before the caller goes on (a receipt).</remarks>
    /// <exception cref="IOException">The socket failed, now or in an earlier send.</exception>
    public void SendAndWait(ReadOnlySpan<byte> frame)
    {
        long ticket;
        bool sendsItself;
        lock (_lock)
        {
            ThrowIfFaulted();
            Enqueue(frame);
            ticket = _queuedFrames;
            sendsItself = !_sending;
            _sending = true;
        }

        if (sendsItself)
        {
            Drain();
            return;
        }

        lock (_writtenSignal)
        {
            Interlocked.Increment(ref _writeWaiters);
            try
            {
                while (Interlocked.Read(ref _writtenFrames) < ticket)
                {
                    ThrowIfFaulted();
                    Monitor.Wait(_writtenSignal);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _writeWaiters);
            }
        }
    }

    private void Drain()
    {
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
            }

            WakeWriteWaiters();
            throw _fault;
        }
    }

    private void WakeWriteWaiters()
    {
        lock (_writtenSignal)
        {
            Monitor.PulseAll(_writtenSignal);
        }
    }

    private void DrainQueue()
    {
        while (true)
        {
            byte[] batch;
            int length;
            long through;
            lock (_lock)
            {
                if (_queuedLength == 0)
                {
                    _sending = false;
                    return;
                }

                batch = _queued;
                length = _queuedLength;
                through = _queuedFrames;
                _queued = _spare;
                _spare = batch;
                _queuedLength = 0;
            }

            SendAll(batch.AsSpan(0, length));
            Interlocked.Exchange(ref _writtenFrames, through);
            if (Volatile.Read(ref _writeWaiters) > 0)
            {
                WakeWriteWaiters();
            }
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
