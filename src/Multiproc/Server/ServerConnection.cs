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

    /// <summary>
    /// If the reader thread has been running one call inline for too long, a new thread takes over
    /// reading; the old one finishes its call, sends its reply directly and exits.
    /// </summary>
    public void HandOffIfStalled()
    {
        long since = Volatile.Read(ref _inlineSince);
        if (since == 0 || _server.Settings.TimeProvider.GetElapsedTime(since) < s_stallLimit)
        {
            return;
        }

        lock (_roleLock)
        {
            // Exactly one side wins this exchange: the watchdog (the reader is handed off) or the
            // reader finishing its call (it keeps reading).
            if (Volatile.Read(ref _closed) == 0 && Interlocked.CompareExchange(ref _inlineSince, 0, since) == since)
            {
                _inlineCall?.MarkSlow();
                StartReader();
            }
        }
    }

    private void StartReader()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = $"multiproc-server-{Id}" };
        thread.Start();
        _readerThreadId = thread.ManagedThreadId;
    }

    /// <summary>Records that this connection's client now holds one more reference (already counted in the table).</summary>
    public void AdoptReference(ObjectEntry entry)
    {
        lock (_ownedLock)
        {
            if (Volatile.Read(ref _closed) == 0)
            {
                _owned[entry] = _owned.GetValueOrDefault(entry) + 1;
                return;
            }
        }

        _server.Table.Release(entry);
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

    internal void CallFinished(ServerCall call)
    {
        Interlocked.Decrement(ref _inFlight);
        if (call.IsCancellable)
        {
            _cancellable.TryRemove(call.CallId, out _);
        }
    }

    internal void Send(FrameBuffer frame)
    {
        try
        {
            frame.Seal(_server.Settings.MaxFrameSize);
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _readerThreadId))
            {
                lock (_roleLock)
                {
                    // Replies produced while the reader works through a batch leave together when it ends.
                    if (Environment.CurrentManagedThreadId == _readerThreadId)
                    {
                        _sender.Hold(frame.Frame);
                        _corkBytes += frame.Frame.Length;
                        return;
                    }
                }
            }

            _sender.SendDeferred(frame.Frame);
        }
        catch (IOException)
        {
            // The client is gone; its reader thread closes the connection.
        }
    }

    private void ReadLoop()
    {
        bool handedOff = false;
        try
        {
            FlushCork();
            while (true)
            {
                WaitWhileRepliesBackUp();
                ReadOnlyMemory<byte> payload = _reader.ReadFrame();
                if (HandleFrame(payload))
                {
                    // A call ran long and another thread took over reading; this one is done.
                    handedOff = true;
                    return;
                }

                if (_corkBytes > 0 && (!_reader.HasBufferedFrame || _corkBytes > CorkLimit))
                {
                    FlushCork();
                }
            }
        }
        catch (EndOfStreamException)
        {
            LogClosed(_logger, Id, "the client closed the connection");
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            LogClosed(_logger, Id, ex.Message);
        }
        catch (Exception ex) when (ex is ProtocolViolationException or MessagePackSerializationException or InvalidOperationException or OverflowException)
        {
            LogProtocolViolation(_logger, ex, Id);
        }
        finally
        {
            if (!handedOff)
            {
                Close();
            }
        }
    }

    private void FlushCork()
    {
        _corkBytes = 0;
        _sender.Flush();
    }

    /// <returns>True when a call ran inline here and reading was handed to another thread meanwhile.</returns>
    private bool HandleFrame(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        int length = reader.ReadArrayHeader();
        if (length < 2)
        {
            throw new ProtocolViolationException("A message must be an array of at least two elements.");
        }

        var kind = (MessageKind)reader.ReadByte();
        switch (kind)
        {
            case MessageKind.Call when length >= 4:
                uint callId = reader.ReadUInt32();
                long objectId = reader.ReadInt64();
                string member = reader.ReadString() ?? throw new ProtocolViolationException("A call needs a member name.");
                return HandleCall(callId, objectId, member, ref reader, length - 4);
            case MessageKind.Cancel:
                if (_cancellable.TryGetValue(reader.ReadUInt32(), out ServerCall? call))
                {
                    call.Cancel();
                }

                break;
            case MessageKind.Receipt or MessageKind.Return:
                SettleLease(kind, reader.ReadUInt32());
                break;
            case MessageKind.Release when length >= 3:
                ReleaseOwned(reader.ReadInt64(), reader.ReadInt32());
                break;
            case MessageKind.Ping:
                SendPong(reader.ReadUInt32());
                break;
            default:
                throw new ProtocolViolationException($"Unexpected message kind {kind} with {length} elements.");
        }

        return false;
    }

    private bool HandleCall(uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount)
    {
        _server.CountCall();
        // A call counts until its reply has left: replies the client has not taken count too.
        if (Volatile.Read(ref _inFlight) + _sender.UnsentFrames >= _server.Settings.MaxPendingCallsPerConnection)
        {
            SendError(callId, new InvalidOperationException($"Too many calls in flight on this connection (limit {_server.Settings.MaxPendingCallsPerConnection})."));
            return false;
        }

        ServerCall? call;
        try
        {
            call = objectId == ProtocolConstants.ControlObjectId
                ? ControlCalls.Prepare(this, callId, member, ref reader, argumentCount)
                : CallBinder.Bind(this, callId, objectId, member, ref reader, argumentCount);
        }
#pragma warning disable CA1031 // Any failure to bind is the caller's error, reported to the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SendError(callId, ex);
            return false;
        }

        if (call.IsCancellable && !_cancellable.TryAdd(callId, call))
        {
            SendError(callId, new InvalidOperationException($"Call id {callId} is already in flight."));
            return false;
        }

        Interlocked.Increment(ref _inFlight);

        if (call.Gate is null || call.Gate.TryEnter(call))
        {
            if (call.RunsInline)
            {
                _server.Watchdog.NoteInlineCall();
                long started = Math.Max(1, _server.Settings.TimeProvider.GetTimestamp()); // 0 means "no inline call"
                Volatile.Write(ref _inlineCall, call);
                Volatile.Write(ref _inlineSince, started);
                call.Execute();
                return Interlocked.CompareExchange(ref _inlineSince, 0, started) != started;
            }

            call.Schedule();
        }

        return false;
    }

    private void ReleaseOwned(long objectId, int count)
    {
        if (!_server.Table.TryGet(objectId, out ObjectEntry entry) || count <= 0)
        {
            return;
        }

        lock (_ownedLock)
        {
            int owned = _owned.GetValueOrDefault(entry);
            count = Math.Min(count, owned);
            if (count == 0)
            {
                return;
            }

            if (owned == count)
            {
                _owned.Remove(entry);
            }
            else
            {
                _owned[entry] = owned - count;
            }
        }

        _server.Table.Release(entry, count);
    }

    internal void SendError(uint callId, Exception exception)
    {
        _server.CountError();
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            RemoteError.Write(frame, callId, exception);
            Send(frame);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {Id} closed: {Reason}.")]
    private static partial void LogClosed(ILogger logger, long id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {Id} sent an invalid frame and was closed.")]
    private static partial void LogProtocolViolation(ILogger logger, Exception exception, long id);
}
