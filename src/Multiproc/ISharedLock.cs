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
/// <para>Fencing tokens: every grant of the lock gets a number larger than every earlier grant's
/// (1, 2, 3, ...; a reentrant re-entry returns the token of the hold it enters, and a condition
/// wait that gives the lock up and takes it back is a new grant). Pass the token along with every
/// write to a resource the lock guards, and have the resource refuse a token smaller than the
/// largest it has seen: a holder that was paused or cut off, and whose lock passed to someone
/// else meanwhile, is then refused instead of corrupting the resource (the fencing of ZooKeeper,
/// etcd and Chubby). Tokens are numbered per lock object and restart with a new lock or manager.</para>
/// <para>If the manager drops this process's connection (the process died, or it stopped
/// answering), the lock passes on, and every later call through this proxy throws
/// <see cref="ManagerUnavailableException"/>.</para>
/// <para><b>Failures.</b> Every member is a call to the manager. It throws
/// <see cref="ManagerUnavailableException"/> when the manager cannot be reached: it was shut down or its
/// process died, the connection broke or was closed by disposing the <see cref="Manager"/>, or a call in
/// flight heard nothing from the manager for <see cref="ConnectOptions.LivenessTimeout"/> (a call in
/// flight when the connection breaks may or may not have taken effect). It throws
/// <see cref="ObjectDisposedException"/> after this proxy was disposed, and
/// <see cref="OperationCanceledException"/> when a member's cancellation token fires (each such member
/// says what has then happened). A waiting member without a timeout or token ends only with its outcome
/// or with <see cref="ManagerUnavailableException"/>. Errors the object itself raises are listed on each
/// member.</para>
/// </remarks>
public interface ISharedLock : IDisposable
{
    /// <summary>Gets whether any connection holds the lock (a snapshot).</summary>
    bool IsLocked { get; }

    /// <summary>Gets the fencing token of this process's current hold, or 0 when this process does not hold the lock (one round trip).</summary>
    /// <remarks>For the token after <see cref="TryAcquireAsync"/> or after a condition wait, which took the lock again under a new token.</remarks>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    long FencingToken { get; }

    /// <summary>Acquires the lock, blocking until it is free.</summary>
    /// <remarks>The wait ends when the holder releases the lock or its connection closes; it has no timeout
    /// (use <see cref="TryAcquire(TimeSpan)"/> or <see cref="AcquireAsync"/> to bound it).</remarks>
    /// <returns>The fencing token of this hold (at least 1).</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    long Acquire();

    /// <summary>Acquires the lock if it becomes free within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <returns>False when the time ran out.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    bool TryAcquire(TimeSpan timeout);

    /// <summary>Acquires the lock if it becomes free within <paramref name="timeout"/>, and gives its fencing token.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="fencingToken">The fencing token of the hold; 0 when the time ran out.</param>
    /// <returns>False when the time ran out.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    bool TryAcquire(TimeSpan timeout, out long fencingToken);

    /// <summary>Acquires the lock without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when this process owns the lock, with the fencing token of the hold.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the lock was granted; this call did not acquire it (a grant that came first is returned instead).</exception>
    Task<long> AcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock if it becomes free within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out. The hold's fencing token is <see cref="FencingToken"/>.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the lock was granted; this call did not acquire it (a grant that came first is returned instead).</exception>
    Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Releases the lock (one level of a reentrant hold).</summary>
    /// <exception cref="System.Threading.SynchronizationLockException">This process (connection) does not hold the lock.</exception>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone (the lock was released when it closed).</exception>
    void Release();

    /// <summary>Releases the lock (one level of a reentrant hold) without blocking a thread.</summary>
    /// <param name="cancellationToken">Stops waiting for the confirmation; a release already sent still happens.</param>
    /// <returns>A task that completes when the manager has released the lock.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process (connection) does not hold the lock.</exception>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone (the lock was released when it closed).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the confirmation arrived. The release was sent and still happens, unless the token had fired before the call: then nothing was sent and this process still holds the lock.</exception>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>Acquires the lock and returns a scope whose disposal releases it: <c>using (lk.Lock()) { ... }</c>.</summary>
    /// <remarks>Waits like <see cref="Acquire"/>, with no timeout.</remarks>
    /// <returns>The scope, with the hold's fencing token; disposing it more than once releases once.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    SharedLockScope Lock();

    /// <summary>Acquires the lock without blocking a thread and returns a scope whose disposal releases it: <c>await using (await lk.LockAsync()) { ... }</c>.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The scope, with the hold's fencing token; disposing it more than once releases once.</returns>
    /// <exception cref="ManagerUnavailableException">The connection to the manager is gone.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the lock was granted; this call did not acquire it (a grant that came first is returned instead).</exception>
    ValueTask<SharedLockScope> LockAsync(CancellationToken cancellationToken = default);
}
