using Multiproc.Orleans.Silo;

namespace Multiproc.Orleans.Grains;

/// <summary>A published name: persisted with the objects when the silo has Multiproc's storage, else held in memory.</summary>
/// <remarks>
/// Never collected when idle, so a name in memory is not lost to idle deactivation while its silo lives. With
/// storage, a publish or unpublish is acknowledged once stored, so a name survives its silo like the objects do.
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class NameGrain(ObjectStore store) : Grain, INameGrain
{
    private readonly GrainState<NameRecord> _stored = new(new NameRecord());
    private NameBinding? _binding;

    /// <inheritdoc/>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!store.Enabled)
        {
            return;
        }

        await store.ReadNameAsync(this.GetGrainId(), _stored).ConfigureAwait(true);
        if (_stored.RecordExists && _stored.State is { } record)
        {
            _binding = new NameBinding(record.ObjectId, record.TypeId);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> PublishAsync(NameBinding binding, bool replace)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!replace && _binding is not null && _binding != binding)
        {
            return false;
        }

        if (store.Enabled && binding != _binding)
        {
            _stored.State = new NameRecord { ObjectId = binding.ObjectId, TypeId = binding.TypeId };
            await StoreAsync(store.WriteNameAsync(this.GetGrainId(), _stored)).ConfigureAwait(true);
        }

        _binding = binding;
        return true;
    }

    /// <inheritdoc/>
    public Task<NameBinding?> LookupAsync()
    {
        if (_binding is null)
        {
            // A lookup of an unbound name must not leave an always-active grain behind.
            DeactivateOnIdle();
        }

        return Task.FromResult(_binding);
    }

    /// <inheritdoc/>
    public async Task<bool> UnpublishAsync()
    {
        bool bound = _binding is not null;
        if (store.Enabled && bound)
        {
            await StoreAsync(store.ClearNameAsync(this.GetGrainId(), _stored)).ConfigureAwait(true);
        }

        _binding = null;
        DeactivateOnIdle();
        return bound;
    }

    // A write that failed may still have reached storage (a timeout), leaving this activation's ETag stale and its
    // record ahead of its binding: drop the activation, so the next one reads what storage holds.
    private async Task StoreAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(true);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }
}
