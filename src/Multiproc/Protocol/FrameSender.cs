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
internal sealed class FrameSender
{
    private readonly Socket _socket;
    private readonly Lock _lock = new();
    private byte[] _queued = new byte[16 * 1024];
    private byte[] _spare = new byte[16 * 1024];
    private int _queuedLength;
    private bool _sending;
    private Exception? _fault;

    public FrameSender(Socket socket)
    {
        _socket = socket;
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
