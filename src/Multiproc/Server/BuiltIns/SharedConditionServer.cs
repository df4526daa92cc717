using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedCondition"/>: a condition variable over a shared lock
/// (its own, or one passed by proxy when it was created).
/// </summary>
/// <remarks>
/// <para>A wait releases the lock completely, waits for a notification, the timeout or
/// cancellation, then acquires the lock again before it returns (also when cancelled), restoring the
/// depth of a reentrant hold. Only a connection closing ends the reacquisition early.</para>
/// <para>A lock passed in is held as a reference, so it lives as long as the condition.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed partial class SharedConditionServer : IDisposable, IConnectionHoldings
{
    private readonly Lock _sync = new();
    private readonly WaitQueue<bool> _waiters;
    private readonly EncodedValue _lockReference;
    private readonly bool _borrowsLock;
    private readonly TimeProvider _clock;
    private bool _disposed;

    /// <param name="lockReference">A shared lock or condition (its lock is used), or nil for a new lock.</param>
    /// <param name="clock">The manager's clock (server-supplied).</param>
    /// <exception cref="ArgumentException">The reference is not a shared lock.</exception>
    public SharedConditionServer(EncodedValue lockReference, TimeProvider clock)
    {
        _waiters = new WaitQueue<bool>(WaitKinds.Condition, _sync, clock);
        _clock = clock;
        if (lockReference.IsNil)
        {
            Lock = new SharedLockServer(reentrant: false, clock);
            return;
        }

        Lock = lockReference.References switch
        {
            [{ Instance: SharedLockServer shared }] => shared,
            [{ Instance: SharedConditionServer condition }] => condition.Lock,
            _ => throw new ArgumentException("A condition's lock must be a shared lock (ISharedLock) of the same manager."),
        };
        lockReference.Hold();
        _lockReference = lockReference;
    }

    /// <summary>A condition over a new lock of its own; <paramref name="reentrant"/> gives Python's default (an RLock).</summary>
    internal SharedConditionServer(bool reentrant, TimeProvider clock)
    {
        _waiters = new WaitQueue<bool>(WaitKinds.Condition, _sync, clock);
        _clock = clock;
        Lock = new SharedLockServer(reentrant, clock);
    }

    /// <summary>A condition over a lock another host object keeps (a cluster's lock grain, which holds both): never disposed with the condition.</summary>
    internal SharedConditionServer(SharedLockServer sharedLock, TimeProvider clock)
    {
        _waiters = new WaitQueue<bool>(WaitKinds.Condition, _sync, clock);
        _clock = clock;
        Lock = sharedLock;
        _borrowsLock = true;
    }

    /// <inheritdoc/>
    bool IConnectionHoldings.IsLock => true;

    /// <inheritdoc/>
    /// <remarks>Only a lock of the condition's own: a shared lock it was given is in the table and counted there.</remarks>
    int IConnectionHoldings.HeldBy(long connectionId) => _lockReference.IsDefault && !_borrowsLock && Lock.IsOwnedBy(connectionId) ? 1 : 0;

    /// <summary>Gets the lock the condition works with.</summary>
    internal SharedLockServer Lock { get; }

    public bool IsLocked() => Lock.IsLocked();

    public ValueTask<long> Acquire(TimeSpan timeout, Caller caller, CancellationToken cancellationToken) => Lock.Acquire(timeout, caller, cancellationToken);

    public long FencingToken(Caller caller) => Lock.FencingToken(caller);

    public void Release(Caller caller) => Lock.Release(caller);

    /// <summary>Waits for a notification within <paramref name="timeout"/>; the caller must hold the lock.</summary>
    /// <returns>False when the time ran out (the lock is held again either way).</returns>
    /// <exception cref="SynchronizationLockException">The caller's connection does not hold the lock.</exception>
    public async ValueTask<bool> Wait(TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        (Waiter<bool> waiter, int depth) = Leave(caller);
        try
        {
            return await AwaitNotificationAsync(waiter, timeout, caller, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Lock.ReacquireAsync(caller, depth, waitId: 0, caller.Disconnected).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes up to <paramref name="count"/> waiters; the caller must hold the lock.</summary>
    /// <returns>How many were woken.</returns>
    /// <exception cref="SynchronizationLockException">The caller's connection does not hold the lock.</exception>
    public int Notify(int count, Caller caller)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ThrowIfNotOwner(caller);
        return Wake(count);
    }

    /// <summary>Wakes every waiter; the caller must hold the lock.</summary>
    /// <returns>How many were woken.</returns>
    /// <exception cref="SynchronizationLockException">The caller's connection does not hold the lock.</exception>
    public int NotifyAll(Caller caller) => Notify(int.MaxValue, caller);

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _waiters.FailAll(new ObjectDisposedException(nameof(ISharedCondition), "The shared condition was released while waiting."));
        }

        AbandonParked();

        if (!_lockReference.IsDefault)
        {
            _lockReference.Release();
        }
        else if (!_borrowsLock)
        {
            Lock.Dispose();
        }
    }

    /// <summary>Queues the caller as a waiter and releases every level of its hold on the lock.</summary>
    /// <exception cref="SynchronizationLockException">The caller's connection does not hold the lock.</exception>
    private (Waiter<bool> Waiter, int Depth) Leave(Caller caller)
    {
        Waiter<bool> waiter;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfNotOwner(caller);
            waiter = _waiters.Enqueue(caller.ConnectionId);
        }

        try
        {
            return (waiter, Lock.ReleaseAll(caller.ConnectionId));
        }
        catch (SynchronizationLockException)
        {
            lock (_sync)
            {
                _waiters.Remove(waiter);
            }

            throw;
        }
    }

    /// <summary>Waits for a notification (not holding the lock); a notification that reaches a closed connection is passed on.</summary>
    private async ValueTask<bool> AwaitNotificationAsync(Waiter<bool> waiter, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        bool notified = (await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false)).Granted;
        if (notified && caller.Disconnected.IsCancellationRequested)
        {
            // The waiter's process is gone: pass its notification on rather than lose it.
            Wake(1);
        }

        return notified;
    }

    private int Wake(int count)
    {
        int woken = 0;
        lock (_sync)
        {
            while (woken < count && _waiters.Dequeue() is { } waiter)
            {
                waiter.TrySetResult(true);
                woken++;
            }
        }

        return woken;
    }

    private void ThrowIfNotOwner(Caller caller)
    {
        if (!Lock.IsOwnedBy(caller.ConnectionId))
        {
            throw new SynchronizationLockException("The condition's lock must be held by this connection to wait or notify.");
        }
    }
}
