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
/// </remarks>
public interface ISharedSemaphore : IDisposable
{
    /// <summary>Gets the number of free permits (a snapshot).</summary>
    int CurrentCount { get; }

    /// <summary>Takes a permit, blocking until one is free.</summary>
    void Acquire();

    /// <summary>Takes a permit if one becomes free within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <returns>False when the time ran out.</returns>
    bool TryAcquire(TimeSpan timeout);

    /// <summary>Takes a permit without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when this process holds the permit.</returns>
    Task AcquireAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes a permit if one becomes free within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Returns permits.</summary>
    /// <param name="releaseCount">How many (at least 1).</param>
    /// <returns>The count of free permits before the release.</returns>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
    /// <exception cref="SynchronizationLockException">An <see cref="SemaphoreKind.Owned"/> semaphore, and this process holds fewer than <paramref name="releaseCount"/> permits; nothing was released.</exception>
    int Release(int releaseCount = 1);

    /// <summary>Returns permits without blocking a thread.</summary>
    /// <param name="releaseCount">How many (at least 1).</param>
    /// <param name="cancellationToken">Stops waiting for the confirmation; the release still happens.</param>
    /// <returns>The count of free permits before the release.</returns>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
    /// <exception cref="SynchronizationLockException">An <see cref="SemaphoreKind.Owned"/> semaphore, and this process holds fewer than <paramref name="releaseCount"/> permits; nothing was released.</exception>
    Task<int> ReleaseAsync(int releaseCount = 1, CancellationToken cancellationToken = default);

    /// <summary>Takes a permit and returns a scope whose disposal returns it.</summary>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    IDisposable Lock();

    /// <summary>Takes a permit without blocking a thread and returns a scope whose disposal returns it.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The scope; disposing it more than once releases once.</returns>
    ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken = default);
}
