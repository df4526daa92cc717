namespace Multiproc.Proxies.BuiltIns;

/// <summary>What a semaphore's <c>Lock()</c>/<c>LockAsync()</c> return: disposing it releases once.</summary>
internal sealed class AcquiredScope : IDisposable, IAsyncDisposable
{
    private AcquirableProxy? _owner;

    public AcquiredScope(AcquirableProxy owner)
    {
        _owner = owner;
    }

    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.ReleaseOne();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _owner, null) is { } owner)
        {
            await owner.ReleaseOneAsync().ConfigureAwait(false);
        }
    }
}
