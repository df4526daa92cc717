namespace Multiproc;

/// <summary>
/// A mutual-exclusion lock held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Lock()</c> / <c>RLock()</c>), robust against its owner dying.
/// </summary>
/// <remarks>
/// <para>Ownership belongs to the proxy's connection (one per process per manager), never to a
/// thread, so the lock may be released from another thread or after an <c>await</c>. All threads
/// and tasks of one process therefore share one ownership: a non-reentrant lock excludes them from
/// each other too (a second acquire from the same process waits), a reentrant lock lets any of
/// them enter again (counting levels) — use it only to nest within one logical flow.</para>
/// <para>If the owning connection closes (its process exited or was killed), the lock is released
/// and the next waiter gets it; waits of a closed connection are withdrawn. Waiters are served in
/// arrival order. A wait holds no thread in the manager.</para>
/// <para>Cancelling a wait never leaks the lock: if the manager granted it before the cancellation
/// took effect, the call returns normally and the caller owns the lock.</para>
/// </remarks>
public interface ISharedLock : IDisposable
{
    /// <summary>Gets whether any connection holds the lock (a snapshot).</summary>
    bool IsLocked { get; }

    /// <summary>Acquires the lock, blocking until it is free.</summary>
    void Acquire();

    /// <summary>Acquires the lock if it becomes free within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <returns>False when the time ran out.</returns>
    bool TryAcquire(TimeSpan timeout);

    /// <summary>Acquires the lock without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when this process owns the lock.</returns>
    Task AcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock if it becomes free within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock (one level of a reentrant hold).</summary>
    /// <exception cref="System.Threading.SynchronizationLockException">This process (connection) does not hold the lock.</exception>
    void Release();

    /// <summary>Releases the lock (one level of a reentrant hold) without blocking a thread.</summary>
    /// <param name="cancellationToken">Stops waiting for the confirmation; the release still happens.</param>
    /// <returns>A task that completes when the manager has released the lock.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process (connection) does not hold the lock.</exception>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock and returns a scope whose disposal releases it: <c>using (lk.Lock()) { ... }</c>.</summary>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    IDisposable Lock();

    /// <summary>Acquires the lock without blocking a thread and returns a scope whose disposal releases it: <c>await using (await lk.LockAsync()) { ... }</c>.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken = default);
}
