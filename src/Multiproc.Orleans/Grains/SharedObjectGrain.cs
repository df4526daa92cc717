using Multiproc.Orleans.Silo;

namespace Multiproc.Orleans.Grains;

/// <summary>
/// The grain behind every shared object of the cluster: holds one instance of a registered type and
/// runs Multiproc's Call messages on it, one at a time.
/// </summary>
/// <remarks>
/// <para>State is in memory only in this slice: the object lives until it is deleted or its silo
/// dies. It is never collected when idle, since collecting it would lose it. Persistence will write
/// <see cref="HostedObject"/>'s image after each call that changed it (docs/cluster.md).</para>
/// <para>An activation that holds no object (a call to an unknown or deleted id) deactivates when
/// idle, so stray ids leave nothing behind.</para>
/// </remarks>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class SharedObjectGrain(ObjectDispatcher dispatcher) : Grain, ISharedObjectGrain
{
    private HostedObject? _object;

    /// <inheritdoc/>
    public Task<byte[]?> CreateAsync(byte[] call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (_object is not null)
        {
            return Task.FromResult<byte[]?>(null);
        }

        (HostedObject? created, byte[] reply) = dispatcher.Create(this.GetPrimaryKeyLong(), call);
        _object = created;
        DeactivateIfEmpty();
        return Task.FromResult<byte[]?>(reply);
    }

    /// <inheritdoc/>
    public Task<byte[]> InvokeAsync(byte[] call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        DeactivateIfEmpty();
        CallChain.Enter(this.GetPrimaryKeyLong());
        return dispatcher.InvokeAsync(_object, call, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<string?> GetTypeIdAsync()
    {
        DeactivateIfEmpty();
        return Task.FromResult(_object?.Binding.TypeId);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync()
    {
        HostedObject? deleted = _object;
        _object = null;
        DeactivateOnIdle();
        switch (deleted?.Instance)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(true);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return deleted is not null;
    }

    private void DeactivateIfEmpty()
    {
        if (_object is null)
        {
            DeactivateOnIdle();
        }
    }
}
