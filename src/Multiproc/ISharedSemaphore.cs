namespace Multiproc;

/// <summary>
/// A semaphore held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Semaphore()</c> / <c>BoundedSemaphore()</c>), either counting or owned.
/// </summary>
/// <remarks>
/// <para>The <see cref="SemaphoreKind"/> chosen at creation decides what happens to permits when a
/// process exits or dies:</para>
/// <list type="bullet">
/// <item><see cref="SemaphoreKind.Counting"/> (the default; Python's and <see cref="SemaphoreSlim"/>'s
/// meaning): any process may release, a release adds a permit, and nothing comes back when a process
/// goes away. Use it for signals and counted resources passed between processes (a producer releases,
/// consumers acquire and exit). A process killed while holding a permit it meant to give back takes
/// that permit with it.</item>
/// <item><see cref="SemaphoreKind.Owned"/>: permits are accounted per connection (one per process per
/// manager), never per thread. A process releases only permits it acquired
/// (<see cref="SynchronizationLockException"/> otherwise), and the permits a connection still holds
/// when it closes (its process exited or was killed, or the manager dropped it) come back and waiters
/// proceed. Use it to limit concurrency: acquire, work, release in one process.</item>
/// </list>
/// <para>Waiters are served in arrival order; a wait holds no thread in the manager; cancelling a
/// wait never leaks a permit (a permit granted first is kept and the call returns normally). A
/// permit granted to a process whose connection closed before it could receive it is put back.</para>
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
public interface ISharedSemaphore : IDisposable
{
    /// <summary>Gets the number of free permits (a snapshot).</summary>
    int CurrentCount { get; }

    /// <summary>Takes a permit, blocking until one is free.</summary>
    /// <remarks>The wait ends when a permit is released (or, for <see cref="SemaphoreKind.Owned"/>, a holder's
    /// connection closes); it has no timeout (use <see cref="TryAcquire"/> or <see cref="AcquireAsync"/> to bound it).</remarks>
    void Acquire();

    /// <summary>Takes a permit if one becomes free within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <returns>False when the time ran out.</returns>
    bool TryAcquire(TimeSpan timeout);

    /// <summary>Takes a permit without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when this process holds the permit.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before a permit was granted; none was taken (a grant that came first is returned instead).</exception>
    Task AcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes a permit if one becomes free within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before a permit was granted; none was taken (a grant that came first is returned instead).</exception>
    Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Returns permits.</summary>
    /// <param name="releaseCount">How many (at least 1).</param>
    /// <returns>The count of free permits before the release.</returns>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
    /// <exception cref="SynchronizationLockException">An <see cref="SemaphoreKind.Owned"/> semaphore, and this process holds fewer than <paramref name="releaseCount"/> permits; nothing was released.</exception>
    int Release(int releaseCount = 1);

    /// <summary>Returns permits without blocking a thread.</summary>
    /// <param name="releaseCount">How many (at least 1).</param>
    /// <param name="cancellationToken">Stops waiting for the confirmation; a release already sent still happens.</param>
    /// <returns>The count of free permits before the release.</returns>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
    /// <exception cref="SynchronizationLockException">An <see cref="SemaphoreKind.Owned"/> semaphore, and this process holds fewer than <paramref name="releaseCount"/> permits; nothing was released.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the confirmation arrived. The release was sent and still happens, unless the token had fired before the call: then nothing was sent.</exception>
    Task<int> ReleaseAsync(int releaseCount = 1, CancellationToken cancellationToken = default);

    /// <summary>Takes a permit and returns a scope whose disposal returns it.</summary>
    /// <remarks>Waits like <see cref="Acquire"/>, with no timeout.</remarks>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    IDisposable Lock();

    /// <summary>Takes a permit without blocking a thread and returns a scope whose disposal returns it.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before a permit was granted; none was taken (a grant that came first is returned instead).</exception>
    ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken = default);
}
