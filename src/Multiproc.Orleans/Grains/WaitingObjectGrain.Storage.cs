using Multiproc.Orleans.Silo;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Grains;

/// <summary>
/// The persistence half, through the same <see cref="StoredObject"/> as an ordinary object's grain
/// (<see cref="SharedObjectGrain"/>): a record per id, the object's snapshot (<see cref="WaitingImage"/>) written with
/// group commit before a changing call's reply, tombstones, volatile records.
/// </summary>
/// <remarks>
/// <para>Every call's reply waits for a write that holds the object's state after the call, so an acknowledged
/// change (a put, a take's acknowledgement, an acquire, a release, a set) survives the silo's death. A change made
/// by no call (a lease or a session ending on a timer) is stored with the next call; until then a restore brings back
/// the state before it, whose leases then end again on the new activation.</para>
/// <para>A condition over another grain's lock stores only its record (its create names the lock); the lock's image
/// lists the conditions it hosts, so they come back with it.</para>
/// </remarks>
internal sealed partial class WaitingObjectGrain
{
    private StoredObject? _stored;

    private StoredObject Stored => _stored ??= new StoredObject(store, this.GetGrainId(), DeactivateOnIdle);

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await Stored.ReadAsync().ConfigureAwait(true) is not { } record)
        {
            return;
        }

        try
        {
            Restore(record);
            Stored.Restored();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or MessagePack.MessagePackSerializationException)
        {
            // Answered to every call, rather than failing the activation (which callers would see as unavailable, forever).
            _object = null;
            _conditionHost = 0;
            Stored.Absence = $"The shared object {this.GetPrimaryKeyLong()} ('{record.TypeId}') could not be restored from storage: {ex.Message}";
        }
    }

    /// <summary>Rebuilds the object by its create call and gives it its stored snapshot.</summary>
    private void Restore(ObjectRecord record)
    {
        (_, string typeId, long lockId) = ReadCreate(record.CreateCall);
        _createCall = record.CreateCall;
        if (lockId != 0)
        {
            // The lock's grain hosts the condition, and brings it back from its own image.
            _conditionHost = lockId;
            return;
        }

        _object = Create(typeId, record.CreateCall);
        long[] conditions = WaitingImage.Restore(_object.Instance, record.Image ?? throw new InvalidOperationException($"The stored record of the shared object {this.GetPrimaryKeyLong()} holds no image."), _sessions.Restore);
        foreach (long condition in conditions)
        {
            Host(condition, (SharedLockServer)_object.Instance);
        }
    }

    /// <summary>Writes a new object's record (before its create is acknowledged): its snapshot, or only its type when it is volatile or hosted elsewhere.</summary>
    private Task StoreCreatedAsync(SharedTypeBinding binding, byte[] call)
    {
        bool durable = store.Enabled && !store.Options.IsVolatile(binding.Registration);
        byte[]? image = durable && _object is not null ? WaitingImage.Capture(_object.Instance, _hostedConditions.Keys) : null;
        return Stored.WriteCreatedAsync(new ObjectRecord { TypeId = binding.TypeId, CreateCall = call, Image = image, Volatile = !durable });
    }

    /// <summary>Stores the object's current snapshot, or waits for the pending write that holds it; a call's reply waits for this.</summary>
    /// <exception cref="Exception">The write failed: the activation is dropped, so the next one reads what storage holds.</exception>
    private async Task StoreAsync()
    {
        // A call that ran while another call's write failed may have changed what cannot be stored now: never acknowledged.
        ThrowIfReloading();
        if (_object is { } target)
        {
            await Stored.StoredAsync(Stored.StageAsync(() => WaitingImage.Capture(target.Instance, _hostedConditions.Keys))).ConfigureAwait(true);
        }
    }

    /// <summary>Fails a call that reaches an activation being dropped (<see cref="StoredObject.ThrowIfReloading"/>).</summary>
    private void ThrowIfReloading() => Stored.ThrowIfReloading();
}
