using System.Buffers.Binary;
using System.Security.Cryptography;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Multiproc.Orleans.Grains;
using Multiproc.Orleans.Silo;
using Multiproc.Orleans.Wire;
using Multiproc.Protocol;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Orleans.Configuration;

namespace Multiproc.Orleans.Client;

/// <summary>
/// The client call seam over an Orleans cluster: a call on object X is a call of
/// <see cref="ISharedObjectGrain.InvokeAsync"/> on grain X, carrying the native Call message; the
/// control object (id 0) is served by <see cref="OrleansControl"/>.
/// </summary>
/// <remarks>
/// <para>Used by clients (over an <c>IClusterClient</c>) and inside silos, where the references an
/// object receives decode to proxies over the silo's grain factory.</para>
/// <para>There are no reference counts: <see cref="Release"/> does nothing, and an object lives until
/// it is deleted (<see cref="OrleansManager.DeleteAsync"/>) or its silo dies (docs/cluster.md).</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class OrleansCallChannel : ICallChannel
{
    // Orleans' default response timeout, for a grain factory whose options cannot be read.
    private static readonly TimeSpan s_defaultResponseTimeout = TimeSpan.FromSeconds(30);

    // How long a closing channel waits for its objects to end its session (they end it by lease otherwise).
    private static readonly TimeSpan s_sessionEndBound = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;
    private readonly GrainReferenceCache<ISharedObjectGrain> _objectGrains;
    private readonly GrainReferenceCache<IWaitingObjectGrain> _waitingGrains;
    private readonly long _session = NewSession();
    private readonly SessionHeartbeat _heartbeat;
    private readonly bool _insideGrains;
    private readonly IDisposable? _owned;
    private readonly OrleansControl _control;
    private uint _nextCallId;
    private int _disposed;

    /// <param name="grains">The client's or the silo's grain factory.</param>
    /// <param name="address">The address workers reconnect from (<see cref="OrleansAddress"/>).</param>
    /// <param name="cluster">The cluster's identity: proxies travel only between channels of the same cluster.</param>
    /// <param name="insideGrains">True in a silo: a blocking call must not wait on the calling grain's own scheduler.</param>
    /// <param name="owned">What the channel owns and disposes with itself (a client host it started), or null.</param>
    public OrleansCallChannel(IGrainFactory grains, string address, Guid cluster, bool insideGrains, IDisposable? owned)
    {
        _grains = grains;
        _objectGrains = new GrainReferenceCache<ISharedObjectGrain>(grains);
        _waitingGrains = new GrainReferenceCache<IWaitingObjectGrain>(grains);
        Address = address;
        ServerId = cluster;
        _insideGrains = insideGrains;
        _owned = owned;
        SerializerOptions = WireOptions.Create(new ClientReferenceCodec(this));
        _control = new OrleansControl(grains, this);
        _heartbeat = new SessionHeartbeat(grains, _session);
        ResponseTimeout = ResponseTimeoutOf(grains);
    }

    /// <summary>Gets the client's or the silo's grain factory the channel calls through.</summary>
    internal IGrainFactory Grains => _grains;

    /// <summary>Gets Orleans' response timeout for this channel's calls (<c>MessagingOptions.ResponseTimeout</c>); a silo's channel is given its silo's.</summary>
    public TimeSpan ResponseTimeout { get; init; }

    /// <inheritdoc/>
    public string Address { get; }

    /// <inheritdoc/>
    /// <remarks>Orleans has no key handshake: the cluster is protected by its network and TLS (docs/cluster.md).</remarks>
    public ReadOnlyMemory<byte> AuthKey => ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc/>
    public Guid ServerId { get; }

    /// <inheritdoc/>
    public bool IsBroken => Volatile.Read(ref _disposed) != 0;

    /// <inheritdoc/>
    public MessagePackSerializerOptions SerializerOptions { get; }

    /// <inheritdoc/>
    /// <remarks>A third of Orleans' response timeout (<c>MessagingOptions.ResponseTimeout</c>, 30 s by default): a wait comes back well before its call would time out.</remarks>
    public TimeSpan? MaxWaitSlice => ResponseTimeout / 3;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Inside a silo: the call would re-enter an object up its own call chain, which cannot run it until this call returns.</exception>
    public Reply Call(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken = default)
    {
        if (!_insideGrains)
        {
            return CallAsync(objectId, member, arguments, cancellationToken).AsTask().GetAwaiter().GetResult();
        }

        // A synchronous call does not open call-chain reentrancy (a blocked turn could not serve it
        // anyway), so any object up the chain would wait for it forever: refuse it now.
        if (CallChain.Contains(objectId))
        {
            throw ReentryRefused(objectId, member, "a synchronous call cannot re-enter an object up its own call chain; make the methods of this cycle async");
        }

        // In a grain's turn, the grain call's continuation would be queued to the very scheduler this
        // thread blocks; started from the pool, it completes there. The chain flows into the task.
        CallArguments copy = arguments;
        return Task.Run(
            () =>
            {
                CallChain.Block();
                return CallAsync(objectId, member, copy, cancellationToken).AsTask();
            },
            cancellationToken).GetAwaiter().GetResult();
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Inside a silo: the call would re-enter an object that blocks a thread up its own call chain.</exception>
    public async ValueTask<Reply> CallAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        if (_insideGrains && CallChain.IsBlocked(objectId))
        {
            throw ReentryRefused(objectId, member, "the object blocks in a synchronous call up this call chain; make the methods of this cycle async");
        }

        uint callId = Interlocked.Increment(ref _nextCallId);
        byte[] call = CallPayload.Write(callId, objectId, member, arguments, SerializerOptions);
        byte[] reply;
        try
        {
            // Inside a silo an awaited call may come back to an object up its chain, as a nested
            // call on one manager does: Orleans' call-chain reentrancy lets it in, for this call only.
            using IDisposable? reentrancy = _insideGrains ? RequestContext.AllowCallChainReentrancy() : null;
            if (WaitingObjectIds.IsWaiting(objectId))
            {
                return await CallWaitingAsync(callId, objectId, call, cancellationToken).ConfigureAwait(false);
            }

            reply = objectId == ProtocolConstants.ControlObjectId
                ? await _control.CallAsync(callId, member, call, cancellationToken).ConfigureAwait(false)
                : await _objectGrains.Get(objectId).InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OrleansFailure.IsUnavailable(ex, cancellationToken))
        {
            throw OrleansFailure.Unavailable(objectId, ex);
        }

        return new Reply(reply, callId, receiptTo: null);
    }

    /// <summary>
    /// Calls a waiting built-in as this channel's session, which its heartbeat then keeps alive there;
    /// a take's items come with a lease the reply acknowledges once decoded.
    /// </summary>
    private async Task<Reply> CallWaitingAsync(uint callId, long objectId, byte[] call, CancellationToken cancellationToken)
    {
        IWaitingObjectGrain grain = _waitingGrains.Get(objectId);
        SessionContext.Set(_session);
        WaitingReply reply = await grain.CallAsync(call, cancellationToken).ConfigureAwait(false);
        _heartbeat.Track(objectId, reply.SessionLease);
        return reply.LeaseId == 0
            ? new Reply(reply.Payload, callId, receiptTo: null)
            : new Reply(reply.Payload, callId, new GrainLeaseAcknowledgement(grain, reply.LeaseId, _insideGrains));
    }

    /// <inheritdoc/>
    public Reply CallUntilSettled(long objectId, string member, in CallArguments arguments, CancellationToken cancellationToken)
        => Call(objectId, member, arguments, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<Reply> CallUntilSettledAsync(long objectId, string member, CallArguments arguments, CancellationToken cancellationToken)
        => CallAsync(objectId, member, arguments, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>A no-op: the cluster counts no references; objects live until deleted.</remarks>
    public void Release(long objectId, int count = 1)
    {
    }

    /// <inheritdoc/>
    /// <remarks>The token is the object id: with no reference counts, nothing has to be kept alive for the receiver.</remarks>
    public Task<HandoverDescriptor> HandOverAsync(SharedObject handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ThrowIfClosed();
        return Task.FromResult(new HandoverDescriptor(Address, [], handle.ObjectId.ToString(System.Globalization.CultureInfo.InvariantCulture), handle.TypeId));
    }

    /// <inheritdoc/>
    public Task<SharedObject> AdoptAsync(HandoverDescriptor descriptor, CancellationToken cancellationToken) => Task.FromResult(Adopt(descriptor));

    /// <inheritdoc/>
    public SharedObject Adopt(HandoverDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ThrowIfClosed();
        if (!long.TryParse(descriptor.Token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long objectId) || objectId == 0)
        {
            throw new KeyNotFoundException($"'{descriptor.Token}' is not an object id of an Orleans cluster.");
        }

        return new SharedObject(this, objectId, descriptor.TypeId);
    }

    /// <summary>Deletes an object: its grain drops the instance (see <see cref="OrleansManager.DeleteAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">Inside a silo: the object is up this call's chain (one of its calls is still running).</exception>
    /// <exception cref="ManagerUnavailableException">The cluster did not answer.</exception>
    public async Task<bool> DeleteAsync(long objectId, CancellationToken cancellationToken)
    {
        ThrowIfClosed();

        // Refused here, where it is a usage error: the grain refuses too, but whatever a grain call throws reaches its
        // caller as the cluster's failure (OrleansFailure), and this is no availability problem.
        if (_insideGrains && CallChain.Contains(objectId))
        {
            throw new InvalidOperationException($"The shared object {objectId} cannot be deleted from inside its own call chain: one of its calls is still running.");
        }

        try
        {
            _heartbeat.Forget(objectId);
            return await ObjectGrains.Get(_grains, objectId).DeleteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (OrleansFailure.IsUnavailable(ex, cancellationToken))
        {
            throw OrleansFailure.Unavailable(objectId, ex);
        }
    }

    /// <summary>A closed channel fails its calls as a manager's broken connection does (<see cref="ICallChannel"/>).</summary>
    /// <exception cref="ManagerUnavailableException">The channel was disposed.</exception>
    private void ThrowIfClosed()
    {
        if (IsBroken)
        {
            throw new ManagerUnavailableException(
                $"The cluster at {Address} is not available: this manager was disposed.",
                new ObjectDisposedException(nameof(OrleansCallChannel)));
        }
    }

    private static long NewSession()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        long session;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            session = BinaryPrimitives.ReadInt64LittleEndian(bytes) & long.MaxValue;
        }
        while (session == 0);

        return session;
    }

    private static TimeSpan ResponseTimeoutOf(IGrainFactory grains)
    {
        IServiceProvider? services = (grains as IClusterClient)?.ServiceProvider;
        return services?.GetService<IOptions<ClientMessagingOptions>>()?.Value.ResponseTimeout
            ?? services?.GetService<IOptions<SiloMessagingOptions>>()?.Value.ResponseTimeout
            ?? s_defaultResponseTimeout;
    }

    private static InvalidOperationException ReentryRefused(long objectId, string member, string why)
        => new($"The call of {member} on object {objectId} was refused: {why} (docs/cluster.md, \"Calls between objects\").");

    /// <summary>Closes the channel: calls fail from now on; a client host it started is stopped.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Before the client stops: the objects give back what this channel's session held at once.
            _heartbeat.End(s_sessionEndBound);
            _owned?.Dispose();
        }
    }
}
