using System.Diagnostics;
using System.Net.Sockets;

namespace Multiproc.Python.Wire;

/// <summary>Drives a <see cref="PythonHandshake"/> over a blocking socket under one deadline.</summary>
/// <remarks>
/// <para>
/// Blocking, like the native protocol's client handshake, so the socket never does an async operation and stays
/// in the fast blocking state for the frames that follow. Before each receive the socket's timeouts are set to
/// what is left of the deadline, so a silent or slow peer costs at most <c>timeout</c> in total, however it
/// spreads its bytes; the previous timeouts are restored afterwards. Reads never go past the handshake's last
/// frame. <see cref="TcpQuickAck"/> is re-armed before each receive when asked.
/// </para>
/// <para>
/// A server with many unauthenticated peers may instead drive the same state machine from a readiness-polling
/// thread, as the native <c>ConnectionAcceptor</c> does; this driver is for clients and one-off servers.
/// </para>
/// </remarks>
internal static class PythonHandshakeRunner
{
    private const int FailureNoticeTimeoutMilliseconds = 250;

    /// <summary>Runs <paramref name="handshake"/> to its end on <paramref name="socket"/>.</summary>
    /// <param name="socket">A connected, blocking stream socket.</param>
    /// <param name="handshake">The side to run.</param>
    /// <param name="timeout">The deadline for the whole handshake.</param>
    /// <param name="quickAck">Whether to re-arm <see cref="TcpQuickAck"/> before each receive.</param>
    /// <exception cref="System.Security.Authentication.AuthenticationException">A side does not hold the key, or refused the other's digest.</exception>
    /// <exception cref="ProtocolViolationException">The peer does not speak the protocol (a handshake frame over 256 bytes, a wrong length, garbage instead of <c>#CHALLENGE#</c>).</exception>
    /// <exception cref="EndOfStreamException">The peer closed the connection during the handshake.</exception>
    /// <exception cref="TimeoutException">The deadline passed.</exception>
    /// <exception cref="SocketException">The connection failed.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public static void Run(Socket socket, PythonHandshake handshake, TimeSpan timeout, bool quickAck)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        long started = Stopwatch.GetTimestamp();
        int receiveTimeout = socket.ReceiveTimeout;
        int sendTimeout = socket.SendTimeout;
        try
        {
            while (true)
            {
                if (handshake.Failure is { } failure)
                {
                    SendFailureNotice(socket, handshake);
                    throw failure;
                }

                if (!handshake.Output.IsEmpty)
                {
                    socket.SendTimeout = RemainingMilliseconds(started, timeout);
                    Transfer(() => PythonFrameWriter.SendAll(socket, handshake.Output), timeout);
                    handshake.ClearOutput();
                }

                if (handshake.IsComplete)
                {
                    return;
                }

                socket.ReceiveTimeout = RemainingMilliseconds(started, timeout);
                if (quickAck)
                {
                    TcpQuickAck.Arm(socket);
                }

                int received = 0;
                Transfer(() => received = socket.Receive(handshake.Unfilled, SocketFlags.None), timeout);
                if (received == 0)
                {
                    throw new EndOfStreamException("The peer closed the connection during the Python handshake.");
                }

                handshake.Advance(received);
            }
        }
        finally
        {
            if (socket.SafeHandle is { IsClosed: false })
            {
                socket.ReceiveTimeout = receiveTimeout;
                socket.SendTimeout = sendTimeout;
            }
        }
    }

    /// <summary>Sends a queued <c>#FAILURE#</c> if the peer still listens; the handshake's own failure is what the caller must see.</summary>
    private static void SendFailureNotice(Socket socket, PythonHandshake handshake)
    {
        if (handshake.Output.IsEmpty)
        {
            return;
        }

        try
        {
            // A 13-byte notice into the socket's send buffer: it cannot block for long.
            socket.SendTimeout = FailureNoticeTimeoutMilliseconds;
            PythonFrameWriter.SendAll(socket, handshake.Output);
        }
        catch (SocketException)
        {
            // The peer is gone or not reading; the notice was a courtesy.
        }

        handshake.ClearOutput();
    }

    private static int RemainingMilliseconds(long started, TimeSpan timeout)
    {
        TimeSpan left = timeout - Stopwatch.GetElapsedTime(started);
        return left > TimeSpan.Zero
            ? (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, int.MaxValue)
            : throw Expired(timeout);
    }

    private static void Transfer(Action io, TimeSpan timeout)
    {
        try
        {
            io();
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw Expired(timeout, ex);
        }
    }

    private static TimeoutException Expired(TimeSpan timeout, Exception? inner = null)
        => new($"The Python handshake did not finish within {timeout.TotalSeconds:0.###} s.", inner);
}
