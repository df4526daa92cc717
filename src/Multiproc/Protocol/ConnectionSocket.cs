namespace Multiproc.Protocol;

/// <summary>
/// A connected stream socket as the protocol drives it: blocking sends and receives from any
/// thread, timeouts that fail one operation and leave the socket usable, and a poll for room.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="NetConnectionSocket"/> over <see cref="System.Net.Sockets.Socket"/>
/// (TCP, servers, every platform) and <see cref="RawUnixSocket"/> (a client's Unix-socket connection
/// on Linux), which skips the ~17 ms a process's first <see cref="System.Net.Sockets.Socket"/>
/// costs (docs/performance.md). Both report failures the same way, so callers handle one set of
/// exceptions: <see cref="System.Net.Sockets.SocketException"/> (a timeout is
/// <see cref="System.Net.Sockets.SocketError.TimedOut"/> or <see cref="System.Net.Sockets.SocketError.WouldBlock"/>)
/// and <see cref="ObjectDisposedException"/> after <see cref="Dispose()"/>.
/// </remarks>
internal abstract class ConnectionSocket : IDisposable
{
    /// <summary>Sets how long a receive may wait before it fails with a timeout, in milliseconds; 0 waits for ever.</summary>
    public abstract int ReceiveTimeout { set; }

    /// <summary>Sets how long a send may wait for room before it fails with a timeout, in milliseconds; 0 waits for ever.</summary>
    public abstract int SendTimeout { set; }

    /// <summary>Gets the kernel's send buffer size, in bytes.</summary>
    public abstract int SendBufferSize { get; }

    /// <summary>Receives at least one byte into <paramref name="buffer"/>, blocking until some arrive; 0 when the peer closed.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The connection failed, or the receive timeout ran out (the socket stays usable).</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public abstract int Receive(Span<byte> buffer);

    /// <summary>Sends some of <paramref name="data"/>, blocking until the kernel takes at least one byte; returns how many it took.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The connection failed, or the send timeout ran out.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public abstract int Send(ReadOnlySpan<byte> data);

    /// <summary>Waits up to <paramref name="microseconds"/> for room to send; true when a send would not block (or would fail at once).</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The poll itself failed.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public abstract bool PollWritable(int microseconds);

    /// <summary>Shuts both directions down: a receive blocked on another thread returns, and the peer sees the end.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The socket is not connected.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public abstract void Shutdown();

    /// <summary>Closes the socket; an operation blocked on another thread returns or fails.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the socket.</summary>
    protected abstract void Dispose(bool disposing);
}
