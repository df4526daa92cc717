using Multiproc.Orleans.Silo;
using Orleans.Concurrency;

namespace Multiproc.Orleans.Grains;

/// <summary>
/// The grain behind every shared object of the cluster: holds one instance of a registered type and runs Multiproc's
/// Call messages on it, one at a time; persists it when the silo has Multiproc's grain storage.
/// </summary>
/// <remarks>
/// <para><b>One call at a time.</b> The grain is reentrant only so that calls may wait for a storage write together
/// (group commit); <see cref="TurnGate"/> keeps user code from overlapping, and lets in only a call nested in the turn
/// that holds it (one that comes back up that turn's call chain, which carries the turn's token), one at a time.</para>
/// <para><b>Persistence</b> (<see cref="StoredObject"/>): a record per id, written at create, after each call that
/// changed a persisted object's image (before the call is acknowledged), and at delete (a tombstone). A volatile
/// object's record holds only its type, so after its silo dies its callers are told it was lost.</para>
/// <para>Never collected when idle: a volatile object would be lost. An activation that holds no object (an unknown,
/// deleted or lost id) deactivates when idle.</para>
/// </remarks>
[Reentrant]
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class SharedObjectGrain(ObjectDispatcher dispatcher, ObjectStore store) : Grain, ISharedObjectGrain
{
    private readonly TurnGate _gate = new();
    private StoredObject? _stored;
    private HostedObject? _object;
    private IdleExpiry? _idle;
    private IGrainTimer? _idleTimer;

    private long Id => this.GetPrimaryKeyLong();

    private StoredObject Stored => _stored ??= new StoredObject(store, this.GetGrainId(), Dropped);

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await Stored.ReadAsync().ConfigureAwait(true) is not { } record)
        {
            return;
        }

        try
        {
            _object = dispatcher.Restore(Id, record);
            Stored.Restored();
            StartIdleExpiry(_object);
        }
        catch (InvalidOperationException ex)
        {
            Stored.Absence = ex.Message;
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]?> CreateAsync(byte[] call)
    {
        ArgumentNullException.ThrowIfNull(call);
        using TurnGate.Turn turn = await _gate.EnterAsync().ConfigureAwait(true);

        // An activation that dropped its object holds a record storage may not: a retried create must not be told
        // "taken" here (its client would make a second object), but retry where the next activation reads storage.
        Stored.ThrowIfReloading();
        if (_object is not null || Stored.RecordExists)
        {
            // A retried create (its reply was lost) finds its own object; any other create picks another id.
            return _object is not null && Stored.Record.CreateCall.AsSpan().SequenceEqual(call)
                ? ObjectDispatcher.CreatedReply(Id, _object.Binding.TypeId, call)
                : null;
        }

        (HostedObject? created, byte[] reply) = dispatcher.Create(Id, call);
        if (created is null)
        {
            DeactivateOnIdle();
            return reply;
        }

        bool durable = store.Enabled && !store.Options.IsVolatile(created.Binding.Registration);
        byte[]? image = null;
        try
        {
            if (durable)
            {
                image = dispatcher.Capture(created);
                dispatcher.CheckRoundTrip(Id, created, image, call);
            }
        }
#pragma warning disable CA1031 // Whatever the image or the user's OnDeserialization throws refuses this create, and disposes its object.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await DisposeAsync(created).ConfigureAwait(true);
            DeactivateOnIdle();
            return Wire.ReplyPayload.Error(CallIdOf(call), ex);
        }

        try
        {
            await Stored.WriteCreatedAsync(new ObjectRecord { TypeId = created.Binding.TypeId, CreateCall = call, Image = image, Volatile = !durable }).ConfigureAwait(true);
        }
        catch
        {
            // Not acknowledged (the activation is dropped for reload): the object must not exist in memory only.
            await DisposeAsync(created).ConfigureAwait(true);
            throw;
        }

        _object = created;
        StartIdleExpiry(created);
        return reply;
    }

    /// <inheritdoc/>
    public async Task<byte[]> InvokeAsync(byte[] call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        long chainToken = CallChain.TokenOf(Id);
        StoredObject stored = Stored;
        stored.ThrowIfReloading();
        if (_object is null)
        {
            DeactivateOnIdle();
            return await dispatcher.InvokeAsync(null, call, stored.Absence, cancellationToken).ConfigureAwait(true);
        }

        byte[] reply;
        Task written = Task.CompletedTask;
        IdleExpiry? idle = _idle;
        idle?.CallStarted();
        TurnGate.Turn turn = await _gate.EnterAsync(chainToken).ConfigureAwait(true);
        try
        {
            stored.ThrowIfReloading();
            CallChain.Enter(Id, turn.Token);

            // Locals: a failed write of another call may drop the object while this call's user code awaits; its change
            // must then fail too (a dropped activation refuses every stage), never be acknowledged unstored.
            if (_object is not { } target)
            {
                // Deleted while this call waited for its turn.
                return await dispatcher.InvokeAsync(null, call, stored.Absence, cancellationToken).ConfigureAwait(true);
            }

            bool writesImages = stored.WritesImages;
            reply = await dispatcher.InvokeAsync(target, call, stored.Absence, cancellationToken).ConfigureAwait(true);
            if (writesImages)
            {
                written = stored.StageAsync(() => dispatcher.Capture(target));
                if (!store.Options.CoalesceWrites)
                {
                    await stored.StoredAsync(written).ConfigureAwait(true);
                }
            }
        }
        finally
        {
            turn.Dispose();
            idle?.CallEnded();
        }

        await stored.StoredAsync(written).ConfigureAwait(true);
        return reply;
    }

    /// <inheritdoc/>
    public Task<string?> GetTypeIdAsync()
    {
        if (_object is null)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(_object?.Binding.TypeId);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync()
    {
        if (CallChain.Contains(Id))
        {
            throw new InvalidOperationException($"The shared object {Id} cannot be deleted from inside its own call chain: one of its calls is still running.");
        }

        using TurnGate.Turn turn = await _gate.EnterAsync().ConfigureAwait(true);
        return await DeleteInTurnAsync(Stored.DeletedAbsence, expired: false).ConfigureAwait(true);
    }

    /// <summary>Deletes the object after its idle timeout passed with no call (the grain's timer; <see cref="IdleExpiry"/>).</summary>
    private async Task ExpireIfIdleAsync()
    {
        if (_idle is not { IsIdle: true } idle)
        {
            return;
        }

        using TurnGate.Turn turn = await _gate.EnterAsync().ConfigureAwait(true);
        // A call that arrived meanwhile is counted from its arrival, so it keeps the object.
        if (ReferenceEquals(_idle, idle) && idle.IsIdle)
        {
            await DeleteInTurnAsync(Stored.ExpiredAbsence(idle.Timeout), expired: true).ConfigureAwait(true);
        }
    }

    /// <summary>Deletes the object, holding the gate: stores a tombstone, then disposes the instance.</summary>
    /// <param name="absence">What later calls on the id are told.</param>
    /// <param name="expired">Whether the object goes by its idle timeout (the tombstone says so to later activations).</param>
    /// <returns>False when there was no object.</returns>
    private async Task<bool> DeleteInTurnAsync(string absence, bool expired)
    {
        HostedObject? deleted = _object;
        if (deleted is null)
        {
            DeactivateOnIdle();
            return false;
        }

        await Stored.WriteTombstoneAsync(deleted.Binding.TypeId, expired, absence).ConfigureAwait(true);
        _object = null;
        StopIdleExpiry();
        DeactivateOnIdle();
        await DisposeAsync(deleted).ConfigureAwait(true);
        return true;
    }

    /// <summary>Starts the idle check of an object whose type has an idle timeout.</summary>
    private void StartIdleExpiry(HostedObject hosted)
    {
        if (store.Options.IdleTimeoutOf(hosted.Binding.Registration) is not { } timeout)
        {
            return;
        }

        _idle = new IdleExpiry(timeout, TimeProvider.System);
        // Interleaved: the check waits for the gate like a call, so it never runs beside user code.
        _idleTimer = this.RegisterGrainTimer(static grain => grain.ExpireIfIdleAsync(), this, new GrainTimerCreationOptions(_idle.CheckPeriod, _idle.CheckPeriod) { Interleave = true });
    }

    private void StopIdleExpiry()
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        _idle = null;
    }

    /// <summary>The grain's part of <see cref="StoredObject.DropForReload"/>: forgets the object, so the next activation reads storage.</summary>
    private void Dropped()
    {
        StopIdleExpiry();
        _object = null;
        DeactivateOnIdle();
    }

    private static uint CallIdOf(byte[] call)
    {
        var reader = new MessagePack.MessagePackReader(call);
        return Wire.CallPayload.ReadHeader(ref reader).CallId;
    }

    private static async ValueTask DisposeAsync(HostedObject hosted)
    {
        switch (hosted.Instance)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(true);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
