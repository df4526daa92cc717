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
/// <para><b>On an Orleans cluster</b> (docs/cluster.md) a wait is served in slices, and goes on across the death
/// of the condition's silo (for up to a minute of failed calls; then it throws
/// <see cref="ManagerUnavailableException"/>). A wait that went on across a failover may return
/// <see langword="true"/> without a notification (a spurious wakeup), and one on a reentrant lock held several levels
/// deep may come back holding one level.</para>
/// </remarks>
public interface ISharedCondition : ISharedLock
{
    /// <summary>Releases the lock, blocks until notified, then reacquires the lock.</summary>
    /// <remarks>The wait ends with <see cref="Notify"/> or <see cref="NotifyAll"/>, then lasts until the lock is free
    /// again; it has no timeout (use <see cref="Wait(TimeSpan)"/> or <see cref="WaitAsync(CancellationToken)"/> to bound it).</remarks>
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
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before a notification; the lock is held again when it is thrown.</exception>
    Task WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Releases the lock, waits until notified or <paramref name="timeout"/> without blocking a thread, then reacquires the lock.</summary>
    /// <param name="timeout">How long to wait for a notification.</param>
    /// <param name="cancellationToken">Stops waiting for a notification; the lock is reacquired before the cancellation is thrown.</param>
    /// <returns>False when the time ran out (the lock is held again either way).</returns>
    /// <exception cref="System.Threading.SynchronizationLockException">This process does not hold the lock.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before a notification; the lock is held again when it is thrown.</exception>
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
