using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// Replies a client does not take, and heartbeats: the connection's backlog is bounded, its reader
/// stops taking requests while replies back up, and pings are answered on the reader at once.
/// </summary>
/// <remarks>
/// Replies go through a bounded <see cref="FrameSender"/>: no thread that produces a reply (a pool
/// thread, another connection's reader completing a wait) ever waits for this client to read. Above
/// half of <see cref="ManagerSettings.MaxOutgoingBytesPerConnection"/> the reader stops reading until
/// a quarter remains; a reply that would pass the limit, or a client that takes nothing for
/// <see cref="ManagerSettings.SendStallTimeout"/>, drops the connection (logged), which releases
/// everything it held. Idle clients are never dropped: on TCP, keepalive finds vanished hosts.
/// </remarks>
internal sealed partial class ServerConnection
{
    /// <summary>Gets the reply bytes waiting for this client (queued, held in the reader's batch, or partly sent).</summary>
    internal long OutgoingBytes => _sender.UnsentBytes;

    /// <summary>Gets the most reply bytes that ever waited for this client at once.</summary>
    internal long PeakOutgoingBytes => _sender.PeakUnsentBytes;

    /// <inheritdoc/>
    protected override int UnsentReplies => _sender.UnsentFrames;

    private static void ConfigureSocket(Socket socket, ManagerSettings settings)
    {
        // A backstop only: replies are sent when the socket has room, but where a platform reports
        // room loosely, no send may wait longer than the stall limit.
        socket.SendTimeout = (int)Math.Min(int.MaxValue, settings.SendStallTimeout.TotalMilliseconds);
        TcpKeepAlive.Enable(socket);
    }

    /// <summary>Stops reading while this client's replies back up; throws once the connection is being dropped.</summary>
    private void WaitWhileRepliesBackUp()
    {
        if (_sender.IsBackedUp || _sender.IsFaulted)
        {
            FlushCork();
            _sender.WaitForRoom();
        }
    }

    private void SendPong(uint sequence)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePack.MessagePackWriter(frame);
            writer.WriteArrayHeader(2);
            writer.Write((byte)MessageKind.Pong);
            writer.Write(sequence);
            writer.Flush();
            Send(frame);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>
    /// The sender failed (the client is gone, or is dropped for not reading): shut the socket so the
    /// reader wakes and closes the connection on its own thread, not inside whatever produced a reply.
    /// </summary>
    private void OnSendFailed(Exception reason)
    {
        if (reason is PeerNotReadingException)
        {
            LogDropped(_logger, Id, reason.Message);
            ServerMetrics.CountDropped(DropReasons.NotReading);
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Id} dropped: {Reason}.")]
    private static partial void LogDropped(ILogger logger, long id, string reason);
}
