using MessagePack;
using Microsoft.Extensions.Options;
using Multiproc.Orleans.Silo;
using Multiproc.Orleans.Wire;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;
using Orleans.Concurrency;

namespace Multiproc.Orleans.Grains;

/// <summary>
/// The grain of one waiting built-in: Multiproc's server class (SharedQueueServer, SharedLockServer,
/// ...) driven by reentrant grain calls, with holdings owned by client sessions under leases.
/// </summary>
/// <remarks>
/// <para>Reentrant: the server classes are thread-safe and their waits are awaited tasks, so a wait
/// never holds the grain's turn. The calling session is a connection to them (<see cref="SessionTable"/>);
/// a session's end cancels its waits and gives back its lock, permits and barrier place.</para>
/// <para>A condition created over a shared lock lives in the lock's grain: its own grain forwards
/// every call there, so release, wait and reacquire are one grain-local step on one lock.</para>
/// <para><b>Persistence</b> (WaitingObjectGrain.Storage.cs): on a silo with Multiproc's storage, as an ordinary object's
/// grain: a record at create, the object's snapshot (<see cref="WaitingImage"/>) after every call that changed it and
/// before that call's reply, a tombstone at delete; a volatile type's record holds only its type. Never collected
/// when idle, since a volatile object would be lost.</para>
/// </remarks>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
#pragma warning disable CA1001 // Orleans ends a grain with OnDeactivateAsync, which disposes the tables; a grain is not disposed.
internal sealed partial class WaitingObjectGrain(IOptions<WaitingObjectOptions> options, ObjectStore store) : Grain, IWaitingObjectGrain
#pragma warning restore CA1001
{
    private readonly SessionTable _sessions = new(options.Value.SessionLease);
    private readonly ItemLeaseTable _leases = new(options.Value.QueueItemLease, TimeProvider.System);
    private readonly Dictionary<long, WaitingObject> _hostedConditions = [];
    private WaitingObject? _object;
    private long _conditionHost;
    private int _callsInProgress;
    private byte[]? _createCall;
    private Task _creating = Task.CompletedTask;

    private WaitingDispatcher Dispatcher => WaitingDispatcher.For(ServiceProvider);

    private bool Holds => _object is not null || _conditionHost != 0;

    /// <inheritdoc/>
    public async Task<byte[]?> CreateAsync(byte[] call)
    {
        ArgumentNullException.ThrowIfNull(call);

        // Reentrant with no turn gate: a create that arrives while another is made (a retry whose reply was lost) is
        // answered once that one is stored or failed (WhenAny: its failure is checked below, not thrown here), never of
        // an object storage may not hold. An activation dropped by a failed write sends it on to the next one.
        while (!_creating.IsCompleted)
        {
            await Task.WhenAny(_creating).ConfigureAwait(true);
        }

        ThrowIfReloading();
        if (Holds || Stored.RecordExists)
        {
            // A retried create (its reply was lost, OrleansControl) finds its own object; any other create picks another id,
            // as does any create of a deleted or lost id.
            return Holds && _createCall is not null && _createCall.AsSpan().SequenceEqual(call)
                ? ReplyPayload.Reference(ReadCallId(call), this.GetPrimaryKeyLong(), _conditionHost != 0 ? BuiltInTypes.Condition : _object!.Binding.TypeId)
                : null;
        }

        Task<byte[]?> creating = CreateNewAsync(call);
        _creating = creating;
        return await creating.ConfigureAwait(true);
    }

    /// <summary>Makes and stores the object of a create on an id that holds none.</summary>
    private async Task<byte[]?> CreateNewAsync(byte[] call)
    {
        CallHeader header = default;
        SharedTypeBinding binding;
        try
        {
            (header, string typeId, long lockId) = ReadCreate(call);
            if (lockId != 0)
            {
                // Claimed before the await, so a second create of this id cannot slip in meanwhile.
                _conditionHost = lockId;
                _createCall = call;
                try
                {
                    await GrainFactory.GetGrain<IWaitingObjectGrain>(lockId).HostConditionAsync(this.GetPrimaryKeyLong()).ConfigureAwait(true);
                }
                catch
                {
                    _conditionHost = 0;
                    _createCall = null;
                    throw;
                }

                binding = Dispatcher.Binding(typeId);
            }
            else
            {
                _object = Create(typeId, call);
                _createCall = call;
                binding = _object.Binding;
            }
        }
#pragma warning disable CA1031 // A failed construction is the caller's error, returned as its reply.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DeactivateIfEmpty();
            return ReplyPayload.Error(header.CallId, ex);
        }

        try
        {
            await StoreCreatedAsync(binding, call).ConfigureAwait(true);
        }
        catch
        {
            // Not acknowledged (the activation is dropped for reload): the object must not exist in memory only. Thrown, so
            // the client retries the create.
            (_object?.Instance as IDisposable)?.Dispose();
            _object = null;
            _conditionHost = 0;
            _createCall = null;
            throw;
        }

        return ReplyPayload.Reference(header.CallId, this.GetPrimaryKeyLong(), binding.TypeId);
    }

    /// <inheritdoc/>
    public async Task<WaitingReply> CallAsync(byte[] call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_conditionHost != 0)
        {
            return await GrainFactory.GetGrain<IWaitingObjectGrain>(_conditionHost).CallHostedAsync(this.GetPrimaryKeyLong(), call, cancellationToken).ConfigureAwait(true);
        }

        ThrowIfReloading();
        DeactivateIfEmpty();
        WaitingReply reply = await RunAsync(_object, call, cancellationToken).ConfigureAwait(true);
        await StoreThenStartLeaseAsync(reply).ConfigureAwait(true);
        return reply;
    }

    /// <inheritdoc/>
    public async Task<byte[]> InvokeAsync(byte[] call, CancellationToken cancellationToken)
    {
        // A plain call (no acknowledgement to come): what it took is the caller's at once.
        WaitingReply reply = await CallAsync(call, cancellationToken).ConfigureAwait(true);
        if (reply.LeaseId != 0)
        {
            _leases.Acknowledge(reply.LeaseId);
            await StoreAsync().ConfigureAwait(true);
        }

        return reply.Payload;
    }

    /// <inheritdoc/>
    public async Task AcknowledgeAsync(long leaseId)
    {
        ThrowIfReloading();
        _leases.Acknowledge(leaseId);

        // Before the acknowledgement returns: an acknowledged item must not come back after a failover.
        await StoreAsync().ConfigureAwait(true);
    }

    /// <inheritdoc/>
    public Task<TimeSpan?> RenewSessionAsync()
    {
        if (_conditionHost != 0)
        {
            return GrainFactory.GetGrain<IWaitingObjectGrain>(_conditionHost).RenewSessionAsync();
        }

        if (_object is null)
        {
            DeactivateOnIdle();
            return Task.FromResult<TimeSpan?>(null);
        }

        _sessions.Renew(SessionContext.Current);
        return Task.FromResult<TimeSpan?>(_sessions.Lease);
    }

    /// <inheritdoc/>
    public Task EndSessionAsync()
    {
        if (_conditionHost != 0)
        {
            return GrainFactory.GetGrain<IWaitingObjectGrain>(_conditionHost).EndSessionAsync();
        }

        // As a manager's closed connection: what the session held is given back, its unacknowledged items at once.
        long session = SessionContext.Current;
        _sessions.End(session);
        _leases.ReturnSession(session);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<string?> GetTypeIdAsync()
    {
        DeactivateIfEmpty();
        return Task.FromResult(_conditionHost != 0 ? BuiltInTypes.Condition : _object?.Binding.TypeId);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync()
    {
        bool held = Holds;
        long host = _conditionHost;
        WaitingObject? deleted = _object;
        if (held)
        {
            // A tombstone first: if it cannot be stored the object stays as it was (the call fails as unavailable).
            await Stored.WriteTombstoneAsync(host != 0 ? BuiltInTypes.Condition : deleted!.Binding.TypeId, expired: false, Stored.DeletedAbsence).ConfigureAwait(true);
        }

        _object = null;
        _conditionHost = 0;
        _createCall = null;
        DeactivateOnIdle();
        if (host != 0)
        {
            await GrainFactory.GetGrain<IWaitingObjectGrain>(host).DropConditionAsync(this.GetPrimaryKeyLong()).ConfigureAwait(true);
        }

        _leases.Dispose();
        (deleted?.Instance as IDisposable)?.Dispose();
        foreach (WaitingObject condition in _hostedConditions.Values)
        {
            ((IDisposable)condition.Instance).Dispose();
        }

        _hostedConditions.Clear();
        _sessions.Dispose();
        return held;
    }

    /// <inheritdoc/>
    public Task<int> CountCallsInProgressAsync() => Task.FromResult(_callsInProgress);

    /// <inheritdoc/>
    public Task<int> CountParkedReacquiresAsync()
        => Task.FromResult(((_object?.Instance as SharedConditionServer)?.ParkedReacquires ?? 0)
            + _hostedConditions.Values.Sum(static hosted => ((SharedConditionServer)hosted.Instance).ParkedReacquires));

    /// <inheritdoc/>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _leases.Dispose();
        _sessions.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc/>
    public Task HostConditionAsync(long conditionId)
    {
        ThrowIfReloading();
        if (_object?.Instance is not SharedLockServer sharedLock)
        {
            throw new ArgumentException(_object is null
                ? $"No shared lock with id {this.GetPrimaryKeyLong()}: it was deleted, lost with its silo, or never existed."
                : $"A condition's lock must be a shared lock (ISharedLock), not a {_object.Binding.TypeId}.");
        }

        Host(conditionId, sharedLock);

        // Stored with the lock: the condition comes back with it.
        return StoreAsync();
    }

    /// <inheritdoc/>
    public async Task<WaitingReply> CallHostedAsync(long conditionId, byte[] call, CancellationToken cancellationToken)
    {
        ThrowIfReloading();
        WaitingReply reply = await RunAsync(_hostedConditions.GetValueOrDefault(conditionId), call, cancellationToken).ConfigureAwait(true);
        await StoreThenStartLeaseAsync(reply).ConfigureAwait(true);
        return reply;
    }

    /// <inheritdoc/>
    public Task DropConditionAsync(long conditionId)
    {
        if (_hostedConditions.Remove(conditionId, out WaitingObject? condition))
        {
            ((IDisposable)condition.Instance).Dispose();
        }

        return StoreAsync();
    }

    /// <summary>Stores the call's effect; a take's lease runs from then (also when the write failed: its items then come back a lease later, if the activation is not dropped first).</summary>
    private async Task StoreThenStartLeaseAsync(WaitingReply reply)
    {
        try
        {
            await StoreAsync().ConfigureAwait(true);
        }
        finally
        {
            _leases.StartClock(reply.LeaseId);
        }
    }

    private void Host(long conditionId, SharedLockServer sharedLock)
        => _hostedConditions[conditionId] = new WaitingObject(Dispatcher.Binding(BuiltInTypes.Condition), new SharedConditionServer(sharedLock, TimeProvider.System));

    private async Task<WaitingReply> RunAsync(WaitingObject? target, byte[] call, CancellationToken cancellationToken)
    {
        Caller caller;
        try
        {
            caller = _sessions.Enter(SessionContext.Current);
        }
        catch (InvalidOperationException ex)
        {
            return new WaitingReply(ReplyPayload.Error(ReadCallId(call), ex), 0, _sessions.Lease);
        }

        if (target is null && Stored.Absence is { } absence)
        {
            _sessions.Exit(caller);
            return new WaitingReply(ReplyPayload.Error(ReadCallId(call), new KeyNotFoundException(absence)), 0, _sessions.Lease);
        }

        // A dead client's wait ends with its slice (the caller's timeout, at most ICallChannel.MaxWaitSlice);
        // its session's lease runs from there.
        byte[] reply;
        Lease? lease;
        _callsInProgress++;
        try
        {
            (reply, lease) = await Dispatcher.InvokeAsync(target, call, caller, cancellationToken).ConfigureAwait(true);
        }
        finally
        {
            _callsInProgress--;
            _sessions.Exit(caller);
        }

        long leaseId = lease is null ? 0 : _leases.Add(lease, caller.ConnectionId);
        return new WaitingReply(reply, leaseId, _sessions.Lease);
    }

    private WaitingObject Create(string typeId, byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        reader.Skip();
        return Dispatcher.Create(typeId, ref reader, header.ArgumentCount - 1);
    }

    /// <summary>Reads a create's type id, and the lock a condition is created over (0 for none).</summary>
    private static (CallHeader Header, string TypeId, long LockId) ReadCreate(byte[] call)
    {
        var reader = new MessagePackReader(call);
        CallHeader header = CallPayload.ReadHeader(ref reader);
        if (header.ArgumentCount < 1)
        {
            throw new ArgumentException("create needs a type id.");
        }

        string typeId = reader.ReadString() ?? string.Empty;
        if (typeId != BuiltInTypes.Condition || header.ArgumentCount != 2 || reader.NextMessagePackType != MessagePackType.Extension)
        {
            return (header, typeId, 0);
        }

        (long lockId, _) = ReferenceAwareFormatter<object>.ReadReference(ref reader);
        return WaitingObjectIds.IsWaiting(lockId)
            ? (header, typeId, lockId)
            : throw new ArgumentException("A condition's lock must be a shared lock (ISharedLock) of the same cluster.");
    }

    private static uint ReadCallId(byte[] call)
    {
        var reader = new MessagePackReader(call);
        return CallPayload.ReadHeader(ref reader).CallId;
    }

    private void DeactivateIfEmpty()
    {
        if (!Holds)
        {
            DeactivateOnIdle();
        }
    }
}
