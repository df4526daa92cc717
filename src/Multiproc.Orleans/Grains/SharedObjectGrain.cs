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
/// <para><b>Persistence</b> (<see cref="ObjectStore"/>): a record per id, written at create, after each call that
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
    private readonly GrainState<ObjectRecord> _stored = new(new ObjectRecord());
    private HostedObject? _object;
    private StateWriter? _writer;
    private string? _absence;
    private bool _reloading;
    private IdleExpiry? _idle;
    private IGrainTimer? _idleTimer;

    private long Id => this.GetPrimaryKeyLong();

    private ObjectRecord Record => _stored.State ??= new ObjectRecord();

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!store.Enabled)
        {
            return;
        }

        await store.ReadAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
        if (!_stored.RecordExists)
        {
            return;
        }

        ObjectRecord record = Record;
        if (record.Deleted)
        {
            _absence = record.Expired ? ExpiredAbsence(null) : $"No shared object with id {Id}: it was deleted.";
        }
        else if (record.Volatile)
        {
            _absence = $"The shared object {Id} (a volatile '{record.TypeId}', kept in memory only) was lost with its silo.";
        }
        else
        {
            try
            {
                _object = dispatcher.Restore(Id, record);
                _writer = new StateWriter(WriteImageAsync, record.Image);
                StartIdleExpiry(_object);
            }
            catch (InvalidOperationException ex)
            {
                _absence = ex.Message;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]?> CreateAsync(byte[] call)
    {
        ArgumentNullException.ThrowIfNull(call);
        using TurnGate.Turn turn = await _gate.EnterAsync().ConfigureAwait(true);

        // An activation that dropped its object holds a record storage may not: a retried create must not be told
        // "taken" here (its client would make a second object), but retry where the next activation reads storage.
        ThrowIfReloading();
        if (_object is not null || _stored.RecordExists)
        {
            // A retried create (its reply was lost) finds its own object; any other create picks another id.
            return _object is not null && Record.CreateCall.AsSpan().SequenceEqual(call)
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

        _stored.State = new ObjectRecord { TypeId = created.Binding.TypeId, CreateCall = call, Image = image, Volatile = !durable };
        if (store.Enabled)
        {
            try
            {
                await store.WriteAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
                _stored.RecordExists = true;
            }
            catch
            {
                // Not acknowledged: the object must not exist in memory only. The write may still have reached storage
                // (a timeout): a retry of this create is sent on to the next activation, which reads what storage holds.
                await DisposeAsync(created).ConfigureAwait(true);
                DropForReload();
                throw;
            }
        }
        else
        {
            // Memory only: remembered so a retried create is recognised.
            _stored.RecordExists = true;
        }

        _object = created;
        _writer = durable ? new StateWriter(WriteImageAsync, image) : null;
        StartIdleExpiry(created);
        return reply;
    }

    /// <inheritdoc/>
    public async Task<byte[]> InvokeAsync(byte[] call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        long chainToken = CallChain.TokenOf(Id);
        ThrowIfReloading();
        if (_object is null)
        {
            DeactivateOnIdle();
            return await dispatcher.InvokeAsync(null, call, _absence, cancellationToken).ConfigureAwait(true);
        }

        byte[] reply;
        Task stored = Task.CompletedTask;
        IdleExpiry? idle = _idle;
        idle?.CallStarted();
        TurnGate.Turn turn = await _gate.EnterAsync(chainToken).ConfigureAwait(true);
        try
        {
            ThrowIfReloading();
            CallChain.Enter(Id, turn.Token);

            // Locals: a failed write of another call may drop the fields while this call's user code awaits; its change
            // must then fail too (the writer refuses every stage after a failure), never be acknowledged unstored.
            if (_object is not { } target)
            {
                // Deleted while this call waited for its turn.
                return await dispatcher.InvokeAsync(null, call, _absence, cancellationToken).ConfigureAwait(true);
            }

            StateWriter? writer = _writer;
            reply = await dispatcher.InvokeAsync(target, call, _absence, cancellationToken).ConfigureAwait(true);
            if (writer is not null)
            {
                stored = writer.StageAsync(CaptureOrDrop(target));
                if (!store.Options.CoalesceWrites)
                {
                    await StoredAsync(stored).ConfigureAwait(true);
                }
            }
        }
        finally
        {
            turn.Dispose();
            idle?.CallEnded();
        }

        await StoredAsync(stored).ConfigureAwait(true);
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
        return await DeleteInTurnAsync($"No shared object with id {Id}: it was deleted.", expired: false).ConfigureAwait(true);
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
            await DeleteInTurnAsync(ExpiredAbsence(idle.Timeout), expired: true).ConfigureAwait(true);
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

        if (_writer is not null)
        {
            // One write at a time: the tombstone goes after the last image.
            await _writer.IdleAsync().ConfigureAwait(true);
        }

        if (store.Enabled)
        {
            // A tombstone: the id answers "deleted" and is never taken by another create.
            _stored.State = new ObjectRecord { TypeId = deleted.Binding.TypeId, Deleted = true, Expired = expired };
            try
            {
                await store.WriteAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
            }
            catch
            {
                // The record in memory is a tombstone that may not be stored: read back whatever storage holds.
                DropForReload();
                throw;
            }
        }

        _object = null;
        _writer = null;
        _absence = absence;
        StopIdleExpiry();
        DeactivateOnIdle();
        await DisposeAsync(deleted).ConfigureAwait(true);
        return true;
    }

    private async Task StoredAsync(Task stored)
    {
        try
        {
            await stored.ConfigureAwait(true);
        }
        catch
        {
            // Memory may now hold changes storage does not: forget them, so the next activation reads what is stored.
            DropForReload();
            throw;
        }
    }

    private string ExpiredAbsence(TimeSpan? timeout)
        => $"No shared object with id {Id}: it was deleted after going {(timeout is { } t ? $"{t.TotalSeconds:0.###} s " : string.Empty)}without a call (the idle timeout of its type).";

    /// <summary>Takes the object's image after a call; if it has none (a value the image refuses), the call's change is in memory only: drop it.</summary>
    private byte[] CaptureOrDrop(HostedObject target)
    {
        try
        {
            return dispatcher.Capture(target);
        }
        catch
        {
            // Like a failed write: the next activation reads the last stored state, so no later call builds on a change
            // that was never stored (and every later capture would fail the same way).
            DropForReload();
            throw;
        }
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

    /// <summary>Forgets what memory holds after a write that may have failed: the next activation reads storage.</summary>
    private void DropForReload()
    {
        StopIdleExpiry();
        _object = null;
        _writer = null;
        _reloading = true;
        DeactivateOnIdle();
    }

    /// <summary>Fails a call that reaches an activation being dropped: thrown, so its caller gets <see cref="ManagerUnavailableException"/> and may retry.</summary>
    private void ThrowIfReloading()
    {
        if (_reloading)
        {
            throw new InvalidOperationException($"The shared object {Id} could not be stored and is being reloaded from storage; retry the call.");
        }
    }

    private Task WriteImageAsync(byte[] image)
    {
        Record.Image = image;
        return store.WriteAsync(this.GetGrainId(), _stored);
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
