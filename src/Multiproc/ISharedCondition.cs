namespace Multiproc;

/// <summary>
/// A condition variable held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Condition()</c>); it is also its lock.
/// </summary>
/// <remarks>
/// <para>The lock is the one passed to <see cref="Manager.CreateConditionAsync"/> (the same lock
/// object the manager holds for that proxy) or a new non-reentrant lock. The members inherited from
/// <see cref="ISharedLock"/> act on it, with its ownership rules (per connection, released when the
/// connection closes).</para>
/// <para>A wait releases the lock completely, waits for a notification, and acquires the lock again
/// before it returns — also when it times out or is cancelled. As with any condition variable,
/// re-check the predicate in a loop after waking.</para>
/// <para>Waits of a process that dies are withdrawn; a notification that reached such a waiter is
/// passed on to the next one rather than lost. A wait holds no thread in the manager.</para>
/// </remarks>
public interface ISharedCondition : ISharedLock
{
    /// <summary>Releases the lock, blocks until notified, then reacquires the lock.</summary>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    void Wait();

    /// <summary>Releases the lock, blocks until notified or <paramref name="timeout"/>, then reacquires the lock.</summary>
    /// <param name="timeout">How long to wait for a notification.</param>
    /// <returns>False when the time ran out (the lock is held again either way).</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    bool Wait(TimeSpan timeout);

    /// <summary>Releases the lock, waits until notified without blocking a thread, then reacquires the lock.</summary>
    /// <param name="cancellationToken">Stops waiting for a notification; the lock is reacquired before the cancellation is thrown.</param>
    /// <returns>A task that completes when notified and the lock is held again.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    Task WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases the lock, waits until notified or <paramref name="timeout"/> without blocking a thread, then reacquires the lock.</summary>
    /// <param name="timeout">How long to wait for a notification.</param>
    /// <param name="cancellationToken">Stops waiting for a notification; the lock is reacquired before the cancellation is thrown.</param>
    /// <returns>False when the time ran out (the lock is held again either way).</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Wakes up to <paramref name="count"/> waiters (longest waiting first).</summary>
    /// <param name="count">How many to wake.</param>
    /// <returns>How many were woken.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    int Notify(int count = 1);

    /// <summary>Wakes every waiter.</summary>
    /// <returns>How many were woken.</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    int NotifyAll();
}
