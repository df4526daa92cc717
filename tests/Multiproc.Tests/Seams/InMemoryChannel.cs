using System.Collections.Concurrent;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Multiproc.Server;

namespace Multiproc.Tests.Seams;

/// <summary>
/// The client call seam's second implementation: calls go straight into an <see cref="ObjectHost"/>
/// through a session of its own, with no socket, no frames and no threads of its own. Proxies and
/// <see cref="Manager"/> run on it unchanged.
/// </summary>
internal sealed class InMemoryChannel : ICallChannel
{
    private readonly LoopbackSession _session;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Reply>> _pending = new();
    private uint _nextCallId;

    /// <param name="host">The host calls go into.</param>
    /// <param name="maxWaitSlice">The longest one call may wait, as a backend with call timeouts sets it; null: none.</param>
    public InMemoryChannel(ObjectHost host, TimeSpan? maxWaitSlice = null)
    {
        MaxWaitSlice = maxWaitSlice;
        _session = new LoopbackSession(host, this);
        Assert.True(host.TryAdd(_session));
        ServerId = host.ServerId;
        SerializerOptions = WireOptions.Create(new ClientReferenceCodec(this));
    }

    public string Address => "memory:";

    public ReadOnlyMemory<byte> AuthKey => ReadOnlyMemory<byte>.Empty;

    public Guid ServerId { get; }

    public bool IsBroken => _session.IsClosed;

    public MessagePackSerializerOptions SerializerOptions { get; }

    public TimeSpan? MaxWaitSlice { get; }

    /// <summary>Gets how many calls of each member this channel sent.</summary>
    public ConcurrentDictionary<string, int> CallsByMember { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the server side of this channel (its owned references, leases, caller).</summary>
    public ServerSession Session => _session;

    public Reply Call(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken = default)
        => CallAsync(objectId, member, arguments, cancellationToken).AsTask().GetAwaiter().GetResult();

    public async ValueTask<Reply> CallAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsBroken, this);
        uint callId = Interlocked.Increment(ref _nextCallId);
        CallsByMember.AddOrUpdate(member, 1, static (_, count) => count + 1);
        var reply = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[callId] = reply;

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        arguments.WriteTo(ref writer, SerializerOptions);
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        _session.Dispatch(callId, objectId, member, ref reader, arguments.Count);

        using CancellationTokenRegistration cancel = cancellationToken.UnsafeRegister(static state =>
        {
            (LoopbackSession session, uint id) = ((LoopbackSession, uint))state!;
            session.Cancel(id);
        }, (_session, callId));
        return await reply.Task.ConfigureAwait(false);
    }

    public Reply CallUntilSettled(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken)
        => Call(objectId, member, arguments, cancellationToken);

    public ValueTask<Reply> CallUntilSettledAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken)
        => CallAsync(objectId, member, arguments, cancellationToken);

    public void Release(long objectId, int count = 1) => _session.ReleaseOwned(objectId, count);

    public async Task<HandoverDescriptor> HandOverAsync(SharedObject handle, CancellationToken cancellationToken)
        => new(Address, [], await new ControlChannel(this).HandOverAsync(handle.ObjectId, cancellationToken), handle.TypeId);

    public Task<SharedObject> AdoptAsync(HandoverDescriptor descriptor, CancellationToken cancellationToken)
        => new ControlChannel(this).AdoptAsync(descriptor.Token, cancellationToken);

    public SharedObject Adopt(HandoverDescriptor descriptor) => AdoptAsync(descriptor, CancellationToken.None).GetAwaiter().GetResult();

    public void Dispose() => _session.Close();

    /// <summary>The host's side: a reply completes its call; a leased result is committed as it is handed over.</summary>
    private sealed class LoopbackSession(ObjectHost host, InMemoryChannel channel) : ServerSession(host, host.NextSessionId())
    {
        public override void Send(FrameBuffer frame)
        {
            var reader = new MessagePackReader(frame.Payload.ToArray());
            reader.ReadArrayHeader();
            var kind = (MessageKind)reader.ReadByte();
            uint callId = reader.ReadUInt32();
            if (channel._pending.TryRemove(callId, out TaskCompletionSource<Reply>? waiting))
            {
                waiting.TrySetResult(new Reply(frame.Payload, callId, receiptTo: null));
                if (kind == MessageKind.LeasedResult)
                {
                    Leases.Commit(callId);
                }
            }
        }

        protected override void OnClosing()
        {
            foreach (uint callId in channel._pending.Keys)
            {
                if (channel._pending.TryRemove(callId, out TaskCompletionSource<Reply>? waiting))
                {
                    waiting.TrySetException(new ManagerUnavailableException("The in-memory channel closed."));
                }
            }
        }
    }
}
