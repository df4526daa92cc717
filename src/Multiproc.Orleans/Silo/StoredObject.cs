namespace Multiproc.Orleans.Silo;

/// <summary>
/// What one object's grain keeps in the silo's <see cref="ObjectStore"/>: its record, the <see cref="StateWriter"/> of
/// its images (group commit), and what the id answers when storage holds no live object (a tombstone, a volatile
/// record lost with its silo).
/// </summary>
/// <remarks>
/// <para>The record is read at activation, written at create (before the create is acknowledged), after each call that
/// changed a persisted object's image (before that call is acknowledged), and at delete (a tombstone).</para>
/// <para>After a write that may have failed, memory may hold what storage does not: the activation is dropped
/// (<see cref="DropForReload"/>), every later call on it fails as unavailable (<see cref="ThrowIfReloading"/>), and the
/// next activation reads what storage holds.</para>
/// <para>Not thread-safe: used only on its grain's activation scheduler.</para>
/// </remarks>
/// <param name="store">The silo's object store.</param>
/// <param name="grainId">The grain whose record this is.</param>
/// <param name="dropped">Forgets what the grain holds in memory and deactivates it (its part of <see cref="DropForReload"/>).</param>
internal sealed class StoredObject(ObjectStore store, GrainId grainId, Action dropped)
{
    private readonly GrainState<ObjectRecord> _state = new(new ObjectRecord());
    private StateWriter? _writer;
    private bool _reloading;

    /// <summary>Gets or sets what a call on the id is told when the grain holds no object (null: the generic "no such object").</summary>
    public string? Absence { get; set; }

    /// <summary>Gets whether the id has a record: stored, read at activation, or (without storage) made here.</summary>
    public bool RecordExists => _state.RecordExists;

    /// <summary>Gets the record as last read or written.</summary>
    public ObjectRecord Record => _state.State ??= new ObjectRecord();

    /// <summary>Gets whether the object's images are written (a persisted object, restored or created here).</summary>
    public bool WritesImages => _writer is not null;

    /// <summary>Gets what a call on a deleted id is told.</summary>
    public string DeletedAbsence => $"No shared object with id {Id}: it was deleted.";

    private long Id => grainId.GetIntegerKey();

    /// <summary>Reads the record at activation.</summary>
    /// <returns>
    /// The record of a persisted object to restore (then <see cref="Restored"/>), or null: nothing is stored (a new id),
    /// or the id is deleted or was volatile, which <see cref="Absence"/> now says.
    /// </returns>
    public async Task<ObjectRecord?> ReadAsync()
    {
        if (!store.Enabled)
        {
            return null;
        }

        await store.ReadAsync(grainId, _state).ConfigureAwait(true);
        if (!_state.RecordExists)
        {
            return null;
        }

        ObjectRecord record = Record;
        if (record.Deleted)
        {
            Absence = record.Expired ? ExpiredAbsence(null) : DeletedAbsence;
            return null;
        }

        if (record.Volatile)
        {
            Absence = $"The shared object {Id} (a volatile '{record.TypeId}', kept in memory only) was lost with its silo.";
            return null;
        }

        return record;
    }

    /// <summary>Starts writing the images of the object restored from <see cref="Record"/> (none when the record holds no image).</summary>
    public void Restored() => _writer = Record.Image is { } image ? new StateWriter(WriteImageAsync, image) : null;

    /// <summary>Writes a new object's record before its create is acknowledged; its images are written from then on when it has one.</summary>
    /// <remarks>Without storage only remembered, so a retried create is recognised.</remarks>
    /// <exception cref="Exception">The write failed (it may still have reached storage): the activation is dropped for reload.</exception>
    public async Task WriteCreatedAsync(ObjectRecord record)
    {
        // On failure the object must not exist in memory only, and the write may have landed (a timeout): a retry of
        // the create is sent on to the next activation, which reads what storage holds.
        _state.State = record;
        await WriteRecordOrDropAsync().ConfigureAwait(true);

        _state.RecordExists = true;
        _writer = record.Image is { } image ? new StateWriter(WriteImageAsync, image) : null;
    }

    /// <summary>Stages the object's image, taken now, and returns the write that will hold it (or the pending one, for an unchanged image).</summary>
    /// <remarks>
    /// Completed at once when the object's images are not written. Faulted once the activation is dropped: a change
    /// made meanwhile is never acknowledged unstored. Await the result through <see cref="StoredAsync"/>.
    /// </remarks>
    /// <param name="capture">Takes the image. If it throws (a value the image refuses), the change is in memory only:
    /// the activation is dropped so no later call builds on it, and the exception is thrown.</param>
    public Task StageAsync(Func<byte[]> capture)
    {
        if (_reloading)
        {
            return Task.FromException(ReloadingException());
        }

        if (_writer is not { } writer)
        {
            return Task.CompletedTask;
        }

        byte[] image;
        try
        {
            image = capture();
        }
        catch
        {
            DropForReload();
            throw;
        }

        return writer.StageAsync(image);
    }

    /// <summary>Waits for a staged write; a call's reply waits for this.</summary>
    /// <exception cref="Exception">The write failed: the activation is dropped, so the next one reads what storage holds.</exception>
    public async Task StoredAsync(Task staged)
    {
        try
        {
            await staged.ConfigureAwait(true);
        }
        catch
        {
            DropForReload();
            throw;
        }
    }

    /// <summary>Stores a tombstone after the last image: the id then answers <paramref name="absence"/> and is never taken by another create.</summary>
    /// <param name="typeId">The deleted object's type.</param>
    /// <param name="expired">Whether the object goes by its idle timeout (the tombstone says so to later activations).</param>
    /// <param name="absence">What later calls on the id are told.</param>
    /// <exception cref="Exception">The write failed: the activation is dropped (the tombstone in memory may not be stored).</exception>
    public async Task WriteTombstoneAsync(string typeId, bool expired, string absence)
    {
        if (_writer is not null)
        {
            // One write at a time: the tombstone goes after the last image.
            await _writer.IdleAsync().ConfigureAwait(true);
        }

        if (store.Enabled)
        {
            _state.State = new ObjectRecord { TypeId = typeId, Deleted = true, Expired = expired };
            await WriteRecordOrDropAsync().ConfigureAwait(true);
        }

        _writer = null;
        Absence = absence;
    }

    /// <summary>Forgets what memory holds after a write that may have failed: the next activation reads storage.</summary>
    public void DropForReload()
    {
        _writer = null;
        _reloading = true;
        dropped();
    }

    /// <summary>Fails a call that reaches an activation being dropped: thrown, so its caller gets <see cref="ManagerUnavailableException"/> and may retry.</summary>
    /// <exception cref="InvalidOperationException">The activation is being dropped.</exception>
    public void ThrowIfReloading()
    {
        if (_reloading)
        {
            throw ReloadingException();
        }
    }

    /// <summary>What a call on an object deleted by its type's idle timeout is told.</summary>
    /// <param name="timeout">The timeout, when known (not when read from a tombstone).</param>
    public string ExpiredAbsence(TimeSpan? timeout)
        => $"No shared object with id {Id}: it was deleted after going {(timeout is { } t ? $"{t.TotalSeconds:0.###} s " : string.Empty)}without a call (the idle timeout of its type).";

    /// <summary>Writes the record as it stands (nothing without storage); a failed write drops the activation for reload.</summary>
    private async Task WriteRecordOrDropAsync()
    {
        if (!store.Enabled)
        {
            return;
        }

        try
        {
            // Inside the try: a storage provider may also throw before it returns a task.
            await store.WriteAsync(grainId, _state).ConfigureAwait(true);
        }
        catch
        {
            DropForReload();
            throw;
        }
    }

    private InvalidOperationException ReloadingException()
        => new($"The shared object {Id} could not be stored and is being reloaded from storage; retry the call.");

    private Task WriteImageAsync(byte[] image)
    {
        Record.Image = image;
        return store.WriteAsync(grainId, _state);
    }
}
