using System.Collections.Concurrent;
using System.Net.Sockets;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>
/// A client's one connection to a manager, multiplexed by call id: many calls in flight, replies
/// matched as they come.
/// </summary>
/// <remarks>
/// Reading is a role, not a thread. A synchronous caller that finds nobody reading reads the socket
/// itself until its reply arrives (no thread hop on the hot path); otherwise a background reader
/// thread reads while calls are pending. When the connection breaks, every pending call fails with
/// <see cref="ManagerUnavailableException"/> and later calls fail fast with it.
/// </remarks>
internal sealed partial class ClientConnection : ICallChannel
{
    private readonly ConnectionSocket _socket;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly int _maxFrameSize;
    private readonly ConcurrentDictionary<uint, PendingCall> _pending = new();

    private readonly SemaphoreSlim _wake = new(0);
    private int _pendingCount;

    // Calls given up on whose late replies are still to come: someone must keep reading so the
    // references in them are released and the replies do not back up the socket.
    private int _abandonedCount;
    private int _readRole;
    private int _wakeRequested;
    private uint _nextCallId;
    private volatile Exception? _failure;

    private ClientConnection(ConnectionSocket socket, ManagerAddress address, ReadOnlyMemory<byte> authKey, Guid serverId, ConnectSettings settings)
    {
        _socket = socket;
        Address = address;
        AuthKey = authKey;
        ServerId = serverId;
        Settings = settings;
        _maxFrameSize = settings.MaxFrameSize;
        _reader = new FrameReader(socket, settings.MaxFrameSize);
        _sender = new FrameSender(socket, Fail);
        _unavailableAfter = UnavailableAfter;
        SerializerOptions = WireOptions.Create(new ClientReferenceCodec(this));
        StartLivenessWatch();
        var backgroundReader = new Thread(BackgroundReadLoop) { IsBackground = true, Name = "multiproc-client-reader" };
        backgroundReader.Start();
    }

    /// <summary>Gets the manager's address; a <c>tls://</c> one pinned to the certificate this connection accepted, so handed-over references reach the same server.</summary>
    public ManagerAddress Address { get; }

    /// <inheritdoc/>
    string ICallChannel.Address => Address.Text;

    /// <inheritdoc/>
    /// <remarks>A manager serves any wait as one call; liveness comes from heartbeats, not from a call timeout.</remarks>
    public TimeSpan? MaxWaitSlice => null;

    /// <summary>Gets the connect options snapshot this connection runs with.</summary>
    public ConnectSettings Settings { get; }

    public ReadOnlyMemory<byte> AuthKey { get; }

    /// <summary>Gets the id the server announced in the handshake; proxies only travel to their own server.</summary>
    public Guid ServerId { get; }

    public MessagePackSerializerOptions SerializerOptions { get; }

    public bool IsBroken => _failure is not null;

    /// <exception cref="ManagerUnavailableException">Nothing listens at the address, or nothing answered within the connect timeout.</exception>
    /// <exception cref="System.Security.Authentication.AuthenticationException">The key is wrong.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a manager of this protocol version.</exception>
    public static async Task<ClientConnection> ConnectAsync(ManagerAddress address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        StartupTrace.Mark("manager: connecting");
        (ConnectionSocket socket, Guid serverId) = await SocketConnector.ConnectAndAuthenticateAsync(address, authKey, settings, cancellationToken).ConfigureAwait(false);
        StartupTrace.Mark("manager: connected and authenticated");
        try
        {
            return new ClientConnection(socket, PinnedToWhatWasSeen(address, socket), authKey, serverId, settings);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects to a Unix-socket manager on the calling thread (<see cref="SocketConnector.ConnectAndAuthenticateInline"/>).</summary>
    /// <inheritdoc cref="SocketConnector.ConnectAndAuthenticateInline" path="/exception"/>
    public static ClientConnection ConnectInline(ManagerAddress address, ReadOnlyMemory<byte> authKey, ConnectSettings settings)
    {
        StartupTrace.Mark("manager: connecting");
        (ConnectionSocket socket, Guid serverId) = SocketConnector.ConnectAndAuthenticateInline(address, authKey, settings);
        StartupTrace.Mark("manager: connected and authenticated");
        try
        {
            return new ClientConnection(socket, PinnedToWhatWasSeen(address, socket), authKey, serverId, settings);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Calls a member and blocks until the reply arrives.</summary>
    public Reply Call(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken = default)
    {
        PendingCall call = Send(objectId, member, arguments);
        if (cancellationToken.CanBeCanceled)
        {
            // A cancellable caller must not sit in a blocking receive, so the background reader reads for it.
            using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(s_abandon, (this, call));
            WakeReaderIfIdle();
            return call.Wait();
        }

        while (!call.IsCompleted)
        {
            if (!TryTakeReadRole())
            {
                return call.Wait();
            }

            try
            {
                while (!call.IsCompleted)
                {
                    ReadAndDispatch();
                }
            }
            catch (Exception ex) when (ex is SocketException or EndOfStreamException or ObjectDisposedException or ProtocolViolationException or MessagePackSerializationException or OverflowException or InvalidOperationException)
            {
                Fail(ex);
            }
            finally
            {
                ReleaseReadRole();
            }
        }

        return call.Result();
    }

    /// <summary>Calls a member; the reply is awaited, never blocking a thread.</summary>
    public ValueTask<Reply> CallAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken = default)
        => SendAndAwaitAsync(objectId, member, arguments, abandonOnCancel: true, cancellationToken);

    /// <summary>Sends a call and awaits its reply; cancellation abandons the call, or only asks the server to cancel it (<see cref="CallUntilSettledAsync"/>).</summary>
    private async ValueTask<Reply> SendAndAwaitAsync(long objectId, string member, CallArguments arguments, bool abandonOnCancel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PendingCall call = Send(objectId, member, arguments, awaited: true);
        WakeReaderIfIdle();
        if (!cancellationToken.CanBeCanceled)
        {
            return await call.AsValueTask().ConfigureAwait(false);
        }

        using CancellationTokenRegistration registration = abandonOnCancel
            ? cancellationToken.UnsafeRegister(s_abandon, (this, call))
            : cancellationToken.UnsafeRegister(s_requestCancel, (this, call));
        return await call.AsValueTask().ConfigureAwait(false);
    }

    /// <summary>Drops references this connection owns on the server. Fire-and-forget; a broken connection has none left.</summary>
    public void Release(long objectId, int count = 1) => SendNotice(MessageKind.Release, objectId, count);

    public void Dispose()
    {
        Fail(new ObjectDisposedException("Manager", "The manager connection was disposed."));
    }

    private PendingCall Send(long objectId, string member, in CallArguments arguments, bool awaited = false)
    {
        ThrowIfBroken();
        uint callId = Interlocked.Increment(ref _nextCallId);
        // Without a context to send the frame is a plain Call, the bytes it always was (docs/tracing.md).
        TraceContext? trace = CallTracing.MayCarry ? CallTracing.ContextToSend() : null;
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            if (trace is { } context)
            {
                writer.WriteArrayHeader(5 + arguments.Count);
                writer.Write((byte)MessageKind.TracedCall);
                writer.Write(callId);
                writer.Write(objectId);
                writer.Write(member);
                context.Write(ref writer);
            }
            else
            {
                writer.WriteArrayHeader(4 + arguments.Count);
                writer.Write((byte)MessageKind.Call);
                writer.Write(callId);
                writer.Write(objectId);
                writer.Write(member);
            }

            arguments.WriteTo(ref writer, SerializerOptions);
            writer.Flush();
            frame.Seal(_maxFrameSize);

            var call = new PendingCall(callId, awaited);
            _pending[callId] = call;
            if (Interlocked.Increment(ref _pendingCount) == 1)
            {
                NoteRepliesDue();
            }
            if (_failure is not null)
            {
                Complete(callId)?.TryFail(Unavailable());
                ThrowIfBroken();
            }

            try
            {
                // On a pool thread an async caller is likely one of many continuations: let their frames leave together.
                if (awaited && Thread.CurrentThread.IsThreadPoolThread)
                {
                    _sender.SendDeferred(frame.Frame);
                }
                else
                {
                    _sender.Send(frame.Frame);
                }
            }
            catch (IOException ex)
            {
                Fail(ex);
            }

            StartupTrace.MarkCallSent();
            return call;
        }
        catch (ProtocolViolationException ex)
        {
            throw new ArgumentException(ex.Message, nameof(arguments), ex);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Sends a message that has no reply ([kind, id] or [kind, id, count]); a broken connection drops it.</summary>
    /// <remarks>
    /// Deferred like pipelined calls, so a notice queues behind the frames sent before it: a direct
    /// send could overtake a call still waiting in the deferred queue, and the server would then run
    /// a cancelled call uncancelled (a take that swallows an item, a wait that never ends) or see a
    /// release before a call on the released object.
    /// </remarks>
    private void SendNotice(MessageKind kind, long id, int? count)
    {
        if (_failure is not null)
        {
            return;
        }

        FrameBuffer frame = RentNotice(kind, id, count);
        try
        {
            _sender.SendDeferred(frame.Frame);
        }
        catch (IOException ex)
        {
            Fail(ex);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Writes a message that has no reply, <c>[kind, id]</c> or <c>[kind, id, count]</c>, into a sealed pooled frame (the caller returns it).</summary>
    private FrameBuffer RentNotice(MessageKind kind, long id, int? count)
    {
        FrameBuffer frame = FrameBuffer.Rent();
        var writer = new MessagePackWriter(frame);
        writer.WriteArrayHeader(count is null ? 2 : 3);
        writer.Write((byte)kind);
        writer.Write(id);
        if (count is int n)
        {
            writer.Write(n);
        }

        writer.Flush();
        frame.Seal(_maxFrameSize);
        return frame;
    }

    private void ThrowIfBroken()
    {
        if (_failure is not null)
        {
            throw Unavailable();
        }
    }

    private ManagerUnavailableException Unavailable()
        => new($"The manager at {Address} is not available: {_failure?.Message}", _failure);

    /// <summary>A <c>tls://</c> address pinned to the certificate the handshake accepted; any other address as it is.</summary>
    private static ManagerAddress PinnedToWhatWasSeen(ManagerAddress address, ConnectionSocket socket)
        => address.IsTls && socket is TlsConnectionSocket { RemoteCertificate: { } certificate } ? address.WithPin(CertificatePin.Of(certificate)) : address;
}
