using Multiproc.Orleans.Silo;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans.Grains;

/// <summary>
/// The persistence half, as an ordinary object's grain does it (<see cref="SharedObjectGrain"/>): a record per id in
/// the silo's <see cref="ObjectStore"/>, the object's snapshot (<see cref="WaitingImage"/>) written through a
/// <see cref="StateWriter"/> (group commit) before a changing call's reply, tombstones, volatile records.
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
    private readonly GrainState<ObjectRecord> _stored = new(new ObjectRecord());
    private StateWriter? _writer;
    private string? _absence;
    private bool _reloading;

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
        long id = this.GetPrimaryKeyLong();
        if (record.Deleted)
        {
            _absence = $"No shared object with id {id}: it was deleted.";
        }
        else if (record.Volatile)
        {
            _absence = $"The shared object {id} (a volatile '{record.TypeId}', kept in memory only) was lost with its silo.";
        }
        else
        {
            try
            {
                Restore(record);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or MessagePack.MessagePackSerializationException)
            {
                // Answered to every call, rather than failing the activation (which callers would see as unavailable, forever).
                _object = null;
                _conditionHost = 0;
                _absence = $"The shared object {id} ('{record.TypeId}') could not be restored from storage: {ex.Message}";
            }
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

        _writer = new StateWriter(WriteImageAsync, record.Image);
    }

    /// <summary>Writes a new object's record (before its create is acknowledged): its snapshot, or only its type when it is volatile or hosted elsewhere.</summary>
    private async Task StoreCreatedAsync(SharedTypeBinding binding, byte[] call)
    {
        bool durable = store.Enabled && !store.Options.IsVolatile(binding.Registration);
        byte[]? image = durable && _object is not null ? WaitingImage.Capture(_object.Instance, _hostedConditions.Keys) : null;
        _stored.State = new ObjectRecord { TypeId = binding.TypeId, CreateCall = call, Image = image, Volatile = !durable };
        if (store.Enabled)
        {
            await store.WriteAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
        }

        // Without storage: remembered so a retried create is recognised.
        _stored.RecordExists = true;
        _writer = image is null ? null : new StateWriter(WriteImageAsync, image);
    }

    /// <summary>Stores the object's current snapshot, or waits for the pending write that holds it; a call's reply waits for this.</summary>
    /// <exception cref="Exception">The write failed: the activation is dropped, so the next one reads what storage holds.</exception>
    private async Task StoreAsync()
    {
        // A call that ran while another call's write failed may have changed what cannot be stored now: never acknowledged.
        ThrowIfReloading();
        if (_writer is not { } writer || _object is not { } target)
        {
            return;
        }

        try
        {
            await writer.StageAsync(WaitingImage.Capture(target.Instance, _hostedConditions.Keys)).ConfigureAwait(true);
        }
        catch
        {
            DropForReload();
            throw;
        }
    }

    /// <summary>Stores a tombstone (the id answers "deleted" and is never taken by another create).</summary>
    private async Task StoreTombstoneAsync(string typeId)
    {
        if (!store.Enabled)
        {
            return;
        }

        if (_writer is not null)
        {
            // One write at a time: the tombstone goes after the last image.
            await _writer.IdleAsync().ConfigureAwait(true);
        }

        _stored.State = new ObjectRecord { TypeId = typeId, Deleted = true };
        try
        {
            await store.WriteAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
        }
        catch
        {
            DropForReload();
            throw;
        }

        _writer = null;
        _absence = $"No shared object with id {this.GetPrimaryKeyLong()}: it was deleted.";
    }

    /// <summary>Forgets what memory holds after a write that may have failed: the next activation reads storage.</summary>
    private void DropForReload()
    {
        _writer = null;
        _reloading = true;
        DeactivateOnIdle();
    }

    /// <summary>Fails a call that reaches an activation being dropped: thrown, so its caller gets <see cref="ManagerUnavailableException"/> and may retry.</summary>
    private void ThrowIfReloading()
    {
        if (_reloading)
        {
            throw new InvalidOperationException($"The shared object {this.GetPrimaryKeyLong()} could not be stored and is being reloaded from storage; retry the call.");
        }
    }

    private Task WriteImageAsync(byte[] image)
    {
        Record.Image = image;
        return store.WriteAsync(this.GetGrainId(), _stored);
    }
}
