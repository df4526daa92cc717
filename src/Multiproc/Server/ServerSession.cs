using System.Collections.Concurrent;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// One client channel as the server seam sees it: who calls (<see cref="Caller"/>), the references
/// and leases it holds, its calls in flight, and where its replies go.
/// </summary>
/// <remarks>
/// <para>A front end derives one per channel: <see cref="ServerConnection"/> for a native socket,
/// an in-memory session in unit tests, later one per Python connection. Ownership is per session:
/// a lock or owned permits belong to <see cref="Caller"/>, so a protocol whose threads each open
/// their own channel (Python's managers) gets per-thread ownership for free.</para>
/// <para>References a session owns are counted here, not in the transport, and released when it
/// closes. A front end whose references outlive a channel (Python's incref/decref, a cluster's
/// explicit delete) adopts and releases through <see cref="AdoptReference"/> and
/// <see cref="ReleaseOwned"/> on a session that it keeps as long as it needs.</para>
/// <para>Replies are MessagePack frames (docs/protocol.md §3) by default; a front end that speaks
/// another protocol overrides <see cref="SendResult"/> and <see cref="SendError"/>.</para>
/// </remarks>
#pragma warning disable CA1001 // _closing is disposed by Close, the session's one end of life.
internal abstract partial class ServerSession
#pragma warning restore CA1001
{
    private readonly CancellationTokenSource _closing = new();
    // Only calls that can observe cancellation are tracked by id; every call is counted.
    private readonly ConcurrentDictionary<uint, ServerCall> _cancellable = new();
    private int _inFlight;
    private int _closed;

    protected ServerSession(ObjectHost host, long id)
    {
        Host = host;
        Id = id;
        Closing = _closing.Token;
        SerializerOptions = WireOptions.Create(new ServerReferenceCodec(this, host.Table, host.Registry));
        Caller = new Caller(id, Closing) { MaxFrameSize = host.Settings.MaxFrameSize };
    }

    public long Id { get; }

    public ObjectHost Host { get; }

    /// <summary>Gets the options values are written and read with: references written adopt into this session.</summary>
    public MessagePackSerializerOptions SerializerOptions { get; }

    /// <summary>Gets a token cancelled when the session closes.</summary>
    public CancellationToken Closing { get; }

    /// <summary>Gets who is calling, as built-in server methods see it.</summary>
    public Caller Caller { get; }

    /// <summary>Gets the leases of results sent to this client and not yet acknowledged.</summary>
    public LeaseTable Leases { get; } = new();

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Gets how many calls are running or waiting for their turn.</summary>
    internal int CallsRunning => Volatile.Read(ref _inFlight);

    /// <summary>Gets what counts against the pending-call limit: calls running or queued, and replies not yet sent.</summary>
    internal int CallsInFlight => CallsRunning + UnsentReplies;

    /// <summary>Gets the client's process id, when the transport knows it (a Unix socket's peer credentials).</summary>
    public virtual int? PeerProcessId => null;

    /// <summary>Gets where the client connects from, for inspection.</summary>
    public virtual string Endpoint => "in-process";

    /// <summary>Gets the bytes received on this session's transport so far (0 for a transport that does not count them).</summary>
    public virtual long BytesReceived => 0;

    /// <summary>Gets the bytes sent on this session's transport so far (0 for a transport that does not count them).</summary>
    public virtual long BytesSent => 0;

    /// <summary>Gets the replies accepted and not yet handed to the transport (they count against the pending-call limit).</summary>
    protected virtual int UnsentReplies => 0;

    /// <summary>Sends a reply frame (unsealed: the session seals it); a closed session drops it.</summary>
    public abstract void Send(FrameBuffer frame);

    /// <summary>
    /// Admits and binds a call: counts it, checks the pending-call limit, finds the object and
    /// member and decodes the arguments. A call that cannot be bound is answered with its error here.
    /// </summary>
    /// <param name="callId">The call's id on this session.</param>
    /// <param name="objectId">The object called.</param>
    /// <param name="member">The member, a key or a bare name (docs/protocol.md §3).</param>
    /// <param name="reader">The arguments, read from here on.</param>
    /// <param name="argumentCount">How many arguments follow.</param>
    /// <param name="trace">The caller's trace context (a <see cref="MessageKind.TracedCall"/>); the call's server span nests under it.</param>
    /// <returns>The call, registered as in flight, to run behind its gate; null when it was refused.</returns>
    public ServerCall? Accept(uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount, TraceContext? trace = null)
    {
        Host.CountCall();
        // A call counts until its reply has left: replies the client has not taken count too.
        int limit = Host.Settings.MaxPendingCallsPerConnection;
        if (Volatile.Read(ref _inFlight) + UnsentReplies >= limit)
        {
            SendError(callId, new InvalidOperationException($"Too many calls in flight on this connection (limit {limit})."));
            return null;
        }

        ServerCall call;
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
            return null;
        }

        if (call.IsCancellable && !_cancellable.TryAdd(callId, call))
        {
            SendError(callId, new InvalidOperationException($"Call id {callId} is already in flight."));
            return null;
        }

        Interlocked.Increment(ref _inFlight);
        if (CallTracing.IsListened)
        {
            call.StartSpan(trace);
        }

        return call;
    }

    /// <summary>Admits a call a front end bound itself (a Python request): counts it as in flight and lets a Cancel or the session's closing reach it.</summary>
    /// <remarks>The call's end (<see cref="CallFinished"/>) undoes this, as for calls <see cref="Accept"/> binds.</remarks>
    public void Admit(ServerCall call)
    {
        Host.CountCall();
        if (call.IsCancellable)
        {
            _cancellable[call.CallId] = call;
        }

        Interlocked.Increment(ref _inFlight);
        if (CallTracing.IsListened)
        {
            call.StartSpan(null);
        }
    }

    /// <summary>Admits a call (<see cref="Accept"/>) and runs it behind its object's gate, never on this thread.</summary>
    /// <remarks>For front ends without a reader thread of their own to run short calls inline on.</remarks>
    public void Dispatch(uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount)
    {
        if (Accept(callId, objectId, member, ref reader, argumentCount) is { } call && (call.Gate is null || call.Gate.TryEnter(call)))
        {
            call.Schedule();
        }
    }

    /// <summary>Cancels a call in flight (the client's Cancel); unknown ids are ignored.</summary>
    public void Cancel(uint callId)
    {
        if (_cancellable.TryGetValue(callId, out ServerCall? call))
        {
            call.Cancel();
        }
    }

    /// <summary>Called by a call once its reply has been sent.</summary>
    internal void CallFinished(ServerCall call)
    {
        Interlocked.Decrement(ref _inFlight);
        if (call.IsCancellable)
        {
            _cancellable.TryRemove(call.CallId, out _);
        }
    }

    /// <summary>Sends a call's result. A leased one is written and checked first, then registered, then sent.</summary>
    /// <remarks>
    /// A failure before the send gives the lease back and releases the references the reply would
    /// have given (they are adopted only once the reply is whole); a session already closed gets
    /// the lease back at once.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The reply is over the frame limit (a lease is returned first).</exception>
    public virtual void SendResult(uint callId, object? result, ValueWriter? valueWriter, Lease? lease)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            ReplyReferences.Begin();
            try
            {
                WriteResult(frame, callId, result, valueWriter, lease is null ? MessageKind.Result : MessageKind.LeasedResult);
            }
            catch
            {
                ReplyReferences.Abandon();
                lease?.Return();
                throw;
            }

            // The reply is whole and within the limit: only now does the client own what it names.
            ReplyReferences.Commit(this);

            if (lease is not null && !Leases.TryAdd(callId, lease))
            {
                // The session closed meanwhile: nobody will read this reply.
                lease.Return();
                return;
            }

            Send(frame);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Sends a call's error (docs/protocol.md §3, Error).</summary>
    public virtual void SendError(uint callId, Exception exception)
    {
        Host.CountError();
        ServerMetrics.CountError(exception);
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

    /// <summary>
    /// Closes the session once: the transport first (<see cref="OnClosing"/>), then its calls are
    /// cancelled, its leases given back and its references released.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        // The transport goes first: cancelling runs the calls' continuations, and their replies
        // ("cancelled") must not reach a client that should see the manager go away instead.
        OnClosing();
        _closing.Cancel();

        // After the cancel, so this session's own waiting takes are gone before its items come back.
        Leases.ReturnAll();
        ReleaseAllOwned();
        Host.OnSessionClosed(this);
        _closing.Dispose();
    }

    /// <summary>Shuts the transport (replies stop leaving) before the session's state is given back.</summary>
    protected abstract void OnClosing();

    private void WriteResult(FrameBuffer frame, uint callId, object? result, ValueWriter? valueWriter, MessageKind kind)
    {
        var writer = new MessagePackWriter(frame);
        writer.WriteArrayHeader(3);
        writer.Write((byte)kind);
        writer.Write(callId);
        if (valueWriter is null)
        {
            writer.WriteNil();
        }
        else
        {
            valueWriter(ref writer, result, SerializerOptions);
        }

        writer.Flush();
        int limit = Caller.MaxFrameSize;
        if (frame.Payload.Length > limit)
        {
            throw new InvalidOperationException(
                $"The result is {frame.Payload.Length} bytes, over the manager's frame limit of {limit} bytes (ManagerOptions.MaxFrameSize).");
        }
    }
}
