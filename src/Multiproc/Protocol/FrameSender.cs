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
    /// Queues a frame to leave with the next batch: a flush is scheduled (<see cref="ScheduleFlush"/>)
    /// behind work already queued, so frames written by continuations already queued join the same send.
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
            lock (_lock)
            {
                _fault ??= new IOException("The connection is closed.", ex);
                _sending = false;
            }

            throw _fault;
        }
    }

    private void DrainQueue()
    {
        while (true)
        {
            byte[] batch;
            int length;
            lock (_lock)
            {
                if (_queuedLength == 0)
                {
                    _sending = false;
                    return;
                }

                batch = _queued;
                length = _queuedLength;
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
