using System.Net.Sockets;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>
/// Liveness: while replies are due, a manager that has been quiet for a while is pinged, and one
/// that stays silent for the liveness timeout fails every pending call.
/// </summary>
/// <remarks>
/// No thread of its own, no timer and no thread-pool work: whoever holds the read role (a
/// synchronous caller or the background reader) receives with the socket's receive timeout set to
/// an eighth of <see cref="ConnectSettings.LivenessTimeout"/>, and each time a receive runs out it
/// checks the silence. Any byte received is life, so a busy connection pays nothing (no timestamp
/// per frame, no ping). An idle connection has nobody reading and sends nothing. The manager's
/// reader thread answers a ping at once, even while user methods run, so a long but healthy call
/// is never failed; a stopped, hung or unreachable manager fails the pending calls with
/// <see cref="ManagerUnavailableException"/> within the liveness timeout.
/// </remarks>
internal sealed partial class ClientConnection
{
    // When the silence being measured began: replies became due, or bytes last arrived.
    private long _quietSince;

    // The read role's holder only.
    private long _bytesAtLastCheck;
    private bool _pingUnanswered;
    private uint _pingSequence;

    private int _pingsSent;

    /// <summary>Gets how many heartbeats this connection has sent (for tests).</summary>
    internal int PingsSent => Volatile.Read(ref _pingsSent);

    private TimeSpan CheckInterval => Settings.LivenessTimeout / 8;

    private void StartLivenessWatch()
    {
        _socket.ReceiveTimeout = (int)Math.Max(1, CheckInterval.TotalMilliseconds);
        // A send into a manager that stopped reading would otherwise hold its caller for good.
        _socket.SendTimeout = (int)Math.Min(int.MaxValue, Settings.LivenessTimeout.TotalMilliseconds);
        if (_socket is NetConnectionSocket net)
        {
            TcpKeepAlive.Enable(net.Socket);
        }
        else if (_socket is TlsConnectionSocket tls)
        {
            TcpKeepAlive.Enable(tls.Socket);
        }
        _quietSince = Settings.TimeProvider.GetTimestamp();
    }

    /// <summary>Called when a first call becomes pending: the silence clock starts now.</summary>
    private void NoteRepliesDue()
    {
        // Late replies of abandoned calls still due keep the clock running (calls cancelled one after
        // another against a dead manager must not keep it looking alive).
        if (Volatile.Read(ref _abandonedCount) == 0)
        {
            Volatile.Write(ref _quietSince, Settings.TimeProvider.GetTimestamp());
        }
    }

    /// <summary>Reads one frame (checking liveness whenever the receive times out) and dispatches it; the read role's holder only.</summary>
    private void ReadAndDispatch()
    {
        ReadOnlyMemory<byte> payload;
        while (true)
        {
            try
            {
                payload = _reader.ReadFrame();
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                // The reader keeps what it had received; the next read goes on from there.
                CheckLiveness();
            }
        }

        if (!IsPong(payload.Span))
        {
            Dispatch(payload);
        }

        FlushReceipts(force: false);
    }

    private void CheckLiveness()
    {
        TimeProvider clock = Settings.TimeProvider;
        long now = clock.GetTimestamp();
        long heard = _reader.BytesReceived;
        if (heard != _bytesAtLastCheck)
        {
            // Bytes came since the last check, then this receive waited a whole interval for more:
            // they came about one interval ago.
            _bytesAtLastCheck = heard;
            _pingUnanswered = false;
            long heardAt = now - (long)(CheckInterval.TotalSeconds * clock.TimestampFrequency);
            if (heardAt > Volatile.Read(ref _quietSince))
            {
                Volatile.Write(ref _quietSince, heardAt);
            }
        }

        TimeSpan silence = clock.GetElapsedTime(Volatile.Read(ref _quietSince), now);
        // Checks come an interval apart, so failing one interval early keeps the failure within the timeout.
        if (silence >= Settings.LivenessTimeout - CheckInterval)
        {
            Fail(new TimeoutException(
                $"it sent nothing for {silence.TotalSeconds:0.0} s while calls were pending (liveness timeout {Settings.LivenessTimeout.TotalSeconds:0.###} s)"));
        }
        else if (silence >= 2 * CheckInterval && !_pingUnanswered)
        {
            _pingUnanswered = SendPing();
        }
    }

    /// <summary>Sends a heartbeat if the socket has room now (a full socket means the manager is not reading; the next check tries again).</summary>
    private bool SendPing()
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            writer.WriteArrayHeader(2);
            writer.Write((byte)MessageKind.Ping);
            writer.Write(++_pingSequence);
            writer.Flush();
            frame.Seal(_maxFrameSize);
            if (!_sender.TrySendWithoutBlocking(frame.Frame))
            {
                return false;
            }

            Interlocked.Increment(ref _pingsSent);
            return true;
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>A pong is [21, sequence]: a two-element fixarray whose first element is the fixint kind (every kind is below 128).</summary>
    private static bool IsPong(ReadOnlySpan<byte> payload)
        => payload.Length > 1 && payload[1] == (byte)MessageKind.Pong && payload[0] == 0x92;
}
