namespace Multiproc.Orleans.Grains;

/// <summary>A published name, held in memory (this slice: a name lives as long as the silo that holds it).</summary>
/// <remarks>Never collected when idle, so a name is not lost to idle deactivation while its silo lives.</remarks>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class NameGrain : Grain, INameGrain
{
    private NameBinding? _binding;

    /// <inheritdoc/>
    public Task<bool> PublishAsync(NameBinding binding, bool replace)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!replace && _binding is not null && _binding != binding)
        {
            return Task.FromResult(false);
        }

        _binding = binding;
        return Task.FromResult(true);
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
    public Task<bool> UnpublishAsync()
    {
        bool bound = _binding is not null;
        _binding = null;
        DeactivateOnIdle();
        return Task.FromResult(bound);
    }
}
