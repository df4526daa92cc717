using System.Collections.Concurrent;
using System.Net.Sockets;
using MessagePack;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// The server end of one client connection: reads frames on a dedicated thread, dispatches calls,
/// sends replies, and owns the references its client holds.
/// </summary>
/// <remarks>
/// Closing (peer gone, bad frame, shutdown) cancels the connection's calls in flight and releases
/// every reference and handover it owned; other connections are unaffected.
/// </remarks>
internal sealed partial class ServerConnection : IDisposable
{
    private readonly ManagerServer _server;
    private readonly Socket _socket;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly ILogger _logger;
    private readonly Lock _ownedLock = new();
    private readonly Dictionary<ObjectEntry, int> _owned = new(ReferenceEqualityComparer.Instance);
    // Only calls that can observe cancellation are tracked by id; every call is counted.
    private readonly ConcurrentDictionary<uint, ServerCall> _cancellable = new();
    private int _inFlight;
    private readonly CancellationTokenSource _closing = new();
    private const int CorkLimit = 256 * 1024;

    private static readonly TimeSpan s_stallLimit = TimeSpan.FromMilliseconds(2);

    // Bytes of replies held (queued unflushed) while the reader works through a batch; reader thread only.
    private int _corkBytes;
    private readonly Lock _roleLock = new();
    private int _readerThreadId;
    private long _inlineSince;
    private ServerCall? _inlineCall;
    private int _closed;

    public ServerConnection(ManagerServer server, Socket socket, long id)
    {
        _server = server;
        _socket = socket;
        Id = id;
        _reader = new FrameReader(socket, server.Settings.MaxFrameSize);
        _sender = new FrameSender(socket, OnSendFailed, new SendLimits(server.Settings.MaxOutgoingBytesPerConnection, server.Settings.SendStallTimeout, server.Settings.TimeProvider))
        {
            ScheduleFlush = ServerScheduler.Shared.Queue,
        };
        ConfigureSocket(socket, server.Settings);
        _logger = server.Logger;
        SerializerOptions = WireOptions.Create(new ServerReferenceCodec(this, server.Table, server.Registry));
        Caller = new Caller(id, _closing.Token) { MaxFrameSize = server.Settings.MaxFrameSize };
    }

    public long Id { get; }

    public ManagerServer Server => _server;

    public MessagePackSerializerOptions SerializerOptions { get; }

    public CancellationToken Closing => _closing.Token;

    public Caller Caller { get; }

    public void Start()
    {
        lock (_roleLock)
        {
            StartReader();
        }
    }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public void Dispose() => Close();

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        // The socket goes first: cancelling runs the calls' continuations, and their replies
        // ("cancelled") must not reach a client that should see the manager go away instead.
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _sender.Abort(new IOException("The connection is closed."));
        _closing.Cancel();

        // After the cancel, so this connection's own waiting takes are gone before its items come back.
        Leases.ReturnAll();
        KeyValuePair<ObjectEntry, int>[] owned;
        lock (_ownedLock)
        {
            owned = [.. _owned];
            _owned.Clear();
        }

        foreach ((ObjectEntry entry, int count) in owned)
        {
            _server.Table.Release(entry, count);
        }

        _server.OnConnectionClosed(this);
        _closing.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} closed: {Reason}.")]
    private static partial void LogClosed(ILogger logger, long id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Id} sent an invalid frame and was closed.")]
    private static partial void LogProtocolViolation(ILogger logger, Exception exception, long id);
}
