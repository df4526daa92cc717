using System.Collections.Concurrent;
using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Server.Dispatch;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// The server end of one native-protocol client connection: the session over a socket. Reads
/// frames on a dedicated thread, hands calls to the session's dispatch, and sends replies.
/// </summary>
/// <remarks>
/// Closing (peer gone, bad frame, shutdown) cancels the connection's calls in flight and releases
/// every reference and handover it owned; other connections are unaffected.
/// </remarks>
internal sealed partial class ServerConnection : ServerSession, IDisposable
{
    private readonly ManagerServer _server;
    private readonly Socket _socket;
    private readonly ConnectionSocket _connectionSocket;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly ILogger _logger;
    private const int CorkLimit = 256 * 1024;

    private static readonly TimeSpan s_stallLimit = TimeSpan.FromMilliseconds(2);

    // Bytes of replies held (queued unflushed) while the reader works through a batch; reader thread only.
    private int _corkBytes;
    private readonly Lock _roleLock = new();
    private int _readerThreadId;
    private long _inlineSince;
    private ServerCall? _inlineCall;

    /// <param name="server">The manager.</param>
    /// <param name="socket">The accepted socket, for its options and the peer's identity.</param>
    /// <param name="connectionSocket">What frames are read from and written to: the socket itself, or TLS over it.</param>
    /// <param name="id">The session id.</param>
    public ServerConnection(ManagerServer server, Socket socket, ConnectionSocket connectionSocket, long id)
        : base(server.Host, id)
    {
        _server = server;
        _socket = socket;
        _connectionSocket = connectionSocket;
        _reader = new FrameReader(connectionSocket, server.Host.Settings.MaxFrameSize);
        _sender = new FrameSender(connectionSocket, OnSendFailed, new SendLimits(server.Host.Settings.MaxOutgoingBytesPerConnection, server.Host.Settings.SendStallTimeout, server.Host.Settings.TimeProvider))
        {
            ScheduleFlush = ServerScheduler.Shared.Queue,
        };
        ConfigureSocket(socket, server.Host.Settings);
        Endpoint = PeerIdentity.Endpoint(socket);
        PeerProcessId = PeerIdentity.ProcessId(socket);
        _logger = server.Host.Logger;
    }

    public void Start()
    {
        lock (_roleLock)
        {
            StartReader();
        }
    }

    public void Dispose() => Close();

    /// <inheritdoc/>
    public override string Endpoint { get; }

    /// <inheritdoc/>
    public override int? PeerProcessId { get; }

    /// <inheritdoc/>
    public override long BytesReceived => _reader.BytesReceived;

    /// <inheritdoc/>
    public override long BytesSent => _sender.BytesSent;

    /// <inheritdoc/>
    protected override void OnClosing()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        // The connection socket owns the socket (and, over TLS, the stream on it).
        _connectionSocket.Dispose();
        _sender.Abort(new IOException("The connection is closed."));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} closed: {Reason}.")]
    private static partial void LogClosed(ILogger logger, long id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Id} sent an invalid frame and was closed.")]
    private static partial void LogProtocolViolation(ILogger logger, Exception exception, long id);
}
