using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Multiproc.Protocol;
using Multiproc.Python.Pickle;
using Multiproc.Python.Wire;
using Multiproc.Serialization;
using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>
/// One connection of a stock <c>multiprocessing</c> client: a one-shot control request (<c>create</c>,
/// <c>incref</c>, …) or, after <c>accept_connection</c>, a call channel of one client thread.
/// </summary>
/// <remarks>
/// <para>A Python channel is synchronous: the client sends a request and waits for its reply. The connection's
/// own thread reads a request, runs it (behind the object's gate; a short call runs on this thread), writes the
/// reply, then reads the next. A blocking call (<c>q.get()</c>, <c>lock.acquire()</c>) holds only its own channel.</para>
/// <para>While a call waits, the thread watches the socket: a client that went away cancels its call, so a
/// <c>get</c> of a dead client takes no item (CPython's server would take it and lose it).</para>
/// <para>The connection is its session's <see cref="ServerSession.Caller"/>, so an RLock or Condition is owned
/// by the client thread that acquired it, as in Python.</para>
/// </remarks>
#pragma warning disable CA1001 // _replied is a wait handle only the connection's thread waits on; it lives as long as the connection object.
internal sealed partial class PythonServerConnection : ServerSession
#pragma warning restore CA1001
{
    private static readonly TimeSpan s_peerCheckInterval = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly bool _quickAck;
    private readonly ManualResetEventSlim _replied = new(false);
    private readonly Lock _sendLock = new();
    private readonly PythonRequestSpin _spin = new();
    private uint _nextCallId;
    private long _bytesReceived;
    private long _bytesSent;
    private string _endpoint;

    public PythonServerConnection(PythonContext context, Socket socket)
        : base(context.Host, context.Host.NextSessionId())
    {
        Context = context;
        _socket = socket;
        _quickAck = socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
        _endpoint = "python " + (socket.RemoteEndPoint?.ToString() ?? "unix");
        // A client that stops reading its replies is dropped after the stall timeout, like a native one.
        _socket.SendTimeout = (int)Math.Clamp(Host.Settings.SendStallTimeout.TotalMilliseconds, 1, int.MaxValue);
    }

    public PythonContext Context { get; }

    public override string Endpoint => _endpoint;

    public override long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public override long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Serves the authenticated connection until the client closes it or the manager stops (on the connection's thread).</summary>
    public void Serve()
    {
        try
        {
            // TCP_QUICKACK for the first request only: it follows the handshake's last small segment, which Nagle holds
            // until the server acknowledges (the ~40 ms stall). Later requests are one segment each, and re-arming
            // before every read would cost an ACK packet per call that the reply otherwise carries.
            if (_quickAck)
            {
                TcpQuickAck.Arm(_socket);
            }

            var reader = new PythonFrameReader(_socket, Host.Settings.MaxFrameSize, quickAck: false);
            while (!IsClosed)
            {
                _spin.AwaitNext(_socket);
                if (reader.Read() is not { } frame)
                {
                    break;
                }

                _spin.Arrived();
                Interlocked.Add(ref _bytesReceived, frame.Length + PythonFrame.ShortHeaderSize);
                Handle(frame);
            }
        }
        catch (ProtocolViolationException ex)
        {
            // A frame over MaxFrameSize, a negative length or one cut short: the stream is out of step, so it is dropped.
            ServerMetrics.CountDropped(DropReasons.ProtocolViolation);
            LogConnectionEnded(Host.Logger, Endpoint, ex.Message);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            LogConnectionEnded(Host.Logger, Endpoint, ex.Message);
        }
        finally
        {
            Close();
        }
    }

    public override void Send(FrameBuffer frame) => throw new NotSupportedException("A Python connection answers in pickle.");

    public override void SendResult(uint callId, object? result, Serialization.ValueWriter? valueWriter, Lease? lease)
    {
        if (result is PythonGrant grant)
        {
            if (PeerIsGone())
            {
                // Granted while the client was already dead (killed in lock.acquire()): nobody would ever release it.
                grant.Undo();
                LogClientLeftDuringCall(Host.Logger, Endpoint);
                Close();
                return;
            }

            result = grant.Value;
        }

        if (lease is not null && PeerIsGone())
        {
            // The client closed while its call waited (killed in q.get()): the send could still succeed into the dead
            // socket, so the item goes back now rather than to it. WaitForReply sees this only at its next poll.
            lease.Return();
            LogClientLeftDuringCall(Host.Logger, Endpoint);
            Close();
            return;
        }

        byte[] reply;
        try
        {
            reply = result is PythonNewObject created ? ProxyReply(created) : PythonReplies.Return(result);
        }
#pragma warning disable CA1031 // A result that cannot be pickled is the caller's error, as on CPython's servers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lease?.Return();
            SendReply(PickleWriter.Write(new PyTuple("#UNSERIALIZABLE", ex.Message)));
            return;
        }

        if (SendReply(reply))
        {
            lease?.Commit();
        }
        else
        {
            lease?.Return();
        }
    }

    public override void SendError(uint callId, Exception exception)
    {
        Host.CountError();
        ServerMetrics.CountError(exception);
        SendReply(ErrorReply(exception));
    }

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

        _socket.Dispose();
        _replied.Set();
    }

    /// <summary>The reply to an exception: the Python exception itself for the object's errors, a traceback for the protocol's.</summary>
    private static byte[] ErrorReply(Exception exception) => exception switch
    {
        PythonProtocolError protocol => PythonReplies.Traceback(protocol.Message),
        PythonRaise raised => PythonReplies.Error(raised.Error),
        BarrierBrokenException => PythonReplies.Error(PythonErrors.BrokenBarrier()),
        _ => PythonReplies.Error(PythonErrors.From(exception)),
    };

    private void Handle(byte[] frame)
    {
        PythonRequest request;
        try
        {
            request = PythonRequest.From(PickleReader.Read(frame));
        }
        catch (ProtocolViolationException ex)
        {
            // The frame was whole: the connection stays in step (and is not dropped), only this request fails.
            SendReply(PythonReplies.Traceback("the request could not be read: " + ex.Message));
            return;
        }

        if (request.Ident is null)
        {
            HandleControl(request);
        }
        else
        {
            HandleCall(request);
        }
    }

    private void HandleCall(PythonRequest request)
    {
        if (!PythonTypes.TryParseIdent(request.Ident, out long id) || !Host.Table.TryGet(id, out ObjectEntry entry))
        {
            SendReply(PythonReplies.Traceback($"KeyError: '{request.Ident}': no shared object with this id (it was released or never existed)"));
            return;
        }

        PythonSharedType type;
        try
        {
            type = Context.Types.Of(entry);
        }
        catch (PythonProtocolError ex)
        {
            SendReply(PythonReplies.Traceback(ex.Message));
            return;
        }

        _replied.Reset();
        var call = new PythonCall(this, unchecked(++_nextCallId), entry, type, request.Method, request.Arguments);
        Admit(call);
        if (call.Gate is null || call.Gate.TryEnter(call))
        {
            // A short call runs to its reply right here; a waiting one returns at its first await.
            call.Execute();
        }

        WaitForReply();
    }

    /// <summary>Waits for the running call's reply, cancelling the call if the client goes away meanwhile.</summary>
    private void WaitForReply()
    {
        while (!_replied.Wait(s_peerCheckInterval))
        {
            if (PeerIsGone())
            {
                LogClientLeftDuringCall(Host.Logger, Endpoint);
                Close();
                return;
            }
        }
    }

    private bool PeerIsGone()
    {
        try
        {
            // A synchronous client sends nothing while it waits: readable with no bytes means it closed.
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Writes one reply frame; false when the client is gone (the connection closes).</summary>
    private bool SendReply(byte[] payload)
    {
        try
        {
            lock (_sendLock)
            {
                if (IsClosed)
                {
                    return false;
                }

                PythonFrameWriter.Write(_socket, payload);
            }

            _spin.Replied();

            Interlocked.Add(ref _bytesSent, payload.Length + PythonFrame.ShortHeaderSize);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // A peer that stopped reading runs out the send timeout; either way it gets no more.
            if (ex is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
            {
                ServerMetrics.CountDropped(DropReasons.NotReading);
            }

            Close();
            return false;
        }
        finally
        {
            _replied.Set();
        }
    }

    private byte[] ProxyReply(PythonNewObject created)
    {
        // The server's reference for the #PROXY: the client increfs, then decrefs this one.
        ObjectEntry entry = Host.Table.AddReference(created.Instance, created.Type.Binding(Context), disposeWhenReleased: true);
        Context.References.AdoptReference(entry);
        return PythonReplies.Proxy(PythonTypes.ExposedOf(created.Type), PythonReplies.Token(created.Type.TypeId, Context.TokenAddress, PythonTypes.Ident(entry)));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Python connection {Endpoint} ended: {Reason}")]
    private static partial void LogConnectionEnded(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Python client {Endpoint} went away during a call; the call was cancelled.")]
    private static partial void LogClientLeftDuringCall(ILogger logger, string endpoint);
}
