namespace Multiproc;

/// <summary>
/// A hold of a shared lock, from <see cref="ISharedLock.Lock"/> or <see cref="ISharedLock.LockAsync"/>:
/// disposing it releases the lock once.
/// </summary>
/// <remarks>
/// Disposing twice releases once; the scope may be disposed on any thread (the lock belongs to the
/// process's connection). A failed release (the manager is gone, which released the lock already)
/// throws from <see cref="Dispose"/> or <see cref="DisposeAsync"/>.
/// </remarks>
public sealed class SharedLockScope : IDisposable, IAsyncDisposable
{
    private IReleasable? _owner;

    internal SharedLockScope(IReleasable owner, long fencingToken)
    {
        _owner = owner;
        FencingToken = fencingToken;
    }

    /// <summary>Gets the fencing token of this hold; see <see cref="ISharedLock"/> for how to use it.</summary>
    public long FencingToken { get; }

    /// <summary>Releases the lock (once).</summary>
    /// <exception cref="System.Threading.SynchronizationLockException">This process no longer holds the lock.</exception>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    public void Dispose() => Interlocked.Exchange(ref _owner, null)?.ReleaseOne();

    /// <summary>Releases the lock (once) without blocking a thread.</summary>
    /// <returns>A task that completes when the manager has released the lock.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process no longer holds the lock.</exception>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _owner, null) is { } owner)
        {
            await owner.ReleaseOneAsync().ConfigureAwait(false);
        }
    }
}
