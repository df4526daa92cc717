using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedLock"/>: a mutex owned by a connection (never a thread),
/// optionally reentrant, handed to waiters in arrival order, each grant numbered by a fencing token.
/// </summary>
/// <remarks>
/// <para>Calls overlap (a waiting <see cref="Acquire"/> must not block <see cref="Release"/>); state
/// changes happen under one lock that is never held across an await. When the owning connection
/// closes, the lock passes to the next waiter.</para>
/// <para>Tokens start at 1 and grow by one with every grant (a re-entry is not a grant), so 0 can
/// mean "not acquired" on the wire.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedLockServer : IDisposable, IConnectionHoldings
{
    private readonly Lock _lock = new();
    private readonly WaitQueue<long> _waiters;
    private readonly ClosingWatch _watch;
    private readonly bool _reentrant;
    private readonly bool _ownerless;
    private long _owner;
    private int _depth;
    private long _token;
    private long _lastToken;

    // The condition wait whose reacquire got the current hold (0: any other acquire). A wait resumed after its host
    // lost its memory (a cluster's failover) finds by it whether the lock it holds is its own grant.
    private long _grantWait;
    private bool _disposed;

    public SharedLockServer(bool reentrant, TimeProvider clock)
        : this(reentrant, ownerless: false, clock)
    {
    }

    /// <param name="reentrant">Whether the owner may acquire again (an RLock).</param>
    /// <param name="ownerless">
    /// Python's <c>threading.Lock</c> semantics (docs/python.md): any caller may release a held lock, and a
    /// holder's connection closing does not release it. Never reentrant.
    /// </param>
    /// <param name="clock">The manager's clock, for wait timeouts.</param>
    public SharedLockServer(bool reentrant, bool ownerless, TimeProvider clock)
    {
        _reentrant = reentrant && !ownerless;
        _ownerless = ownerless;
        _waiters = new WaitQueue<long>(WaitKinds.Lock, _lock, clock);
        _watch = new ClosingWatch(OnClosed);
    }

    /// <summary>Gets whether the owner may acquire again (an RLock).</summary>
    internal bool IsReentrant => _reentrant;

    public bool IsLocked()
    {
        lock (_lock)
        {
            return _owner != 0;
        }
    }

    /// <summary>Returns the fencing token of the caller's connection's hold, or 0 when it does not hold the lock.</summary>
    public long FencingToken(Caller caller)
    {
        lock (_lock)
        {
            return _owner == caller.ConnectionId ? _token : 0;
        }
    }

    /// <summary>Acquires the lock for the caller's connection within <paramref name="timeout"/>.</summary>
    /// <returns>The fencing token of the hold (the same one for a re-entry), or 0 when the time ran out.</returns>
    public ValueTask<long> Acquire(TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        Waiter<long> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watch.Watch(caller);
            if (_owner == 0)
            {
                return ValueTask.FromResult(Grant(caller.ConnectionId));
            }

            if (_reentrant && _owner == caller.ConnectionId)
            {
                _depth++;
                return ValueTask.FromResult(_token);
            }

            if (timeout == TimeSpan.Zero)
            {
                return ValueTask.FromResult(0L);
            }

            waiter = _waiters.Enqueue(caller.ConnectionId);
        }

        return WaitAsync(waiter, timeout, cancellationToken);
    }

    /// <summary>Releases one level of the caller's hold; the last level passes the lock on.</summary>
    /// <exception cref="SynchronizationLockException">The caller's connection does not hold the lock.</exception>
    public void Release(Caller caller)
    {
        lock (_lock)
        {
            if (_ownerless && _owner != 0)
            {
                PassOn();
                return;
            }

            ThrowIfNotOwner(caller.ConnectionId);
            if (--_depth == 0)
            {
                PassOn();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiters.FailAll(new ObjectDisposedException(nameof(ISharedLock), "The shared lock was released while waiting."));
            _watch.Dispose();
        }
    }

    /// <inheritdoc/>
    bool IConnectionHoldings.IsLock => true;

    /// <inheritdoc/>
    int IConnectionHoldings.HeldBy(long connectionId) => IsOwnedBy(connectionId) ? 1 : 0;

    internal bool IsOwnedBy(long connectionId)
    {
        lock (_lock)
        {
            return _owner == connectionId;
        }
    }

    /// <summary>Releases every level the connection holds (a condition wait); returns how many to restore.</summary>
    /// <exception cref="SynchronizationLockException">The connection does not hold the lock.</exception>
    internal int ReleaseAll(long connectionId)
    {
        lock (_lock)
        {
            ThrowIfNotOwner(connectionId);
            int depth = _depth;
            PassOn();
            return depth;
        }
    }

    /// <summary>Acquires again after a condition wait and restores the levels <see cref="ReleaseAll"/> took.</summary>
    /// <param name="caller">The waiting connection.</param>
    /// <param name="depth">The levels to restore.</param>
    /// <param name="waitId">The wait, recorded with the grant (<see cref="IsHeldByWait"/>); 0 for none.</param>
    /// <param name="cancellationToken">Ends the reacquire (the connection closed, or the wait was withdrawn).</param>
    /// <returns>The fencing token of the grant.</returns>
    /// <remarks>
    /// The depth and the wait are set with the grant itself, under the lock (<see cref="Grant"/>): a snapshot taken
    /// between a grant and its waiter's continuation must not store a hold of depth 1 that names no wait. A re-entry
    /// (a reentrant lock the connection holds already) adds the levels and is no grant of the wait's.
    /// </remarks>
    internal async ValueTask<long> ReacquireAsync(Caller caller, int depth, long waitId, CancellationToken cancellationToken)
    {
        // A withdrawn or disposed wait never takes a free lock.
        cancellationToken.ThrowIfCancellationRequested();
        Waiter<long> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watch.Watch(caller);
            if (_owner == 0)
            {
                return Grant(caller.ConnectionId, depth, waitId);
            }

            if (_reentrant && _owner == caller.ConnectionId)
            {
                _depth += depth;
                return _token;
            }

            waiter = _waiters.Enqueue(caller.ConnectionId, new Restoring(depth, waitId));
        }

        return await WaitAsync(waiter, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the connection holds the lock by the grant of the condition wait <paramref name="waitId"/>'s reacquire.</summary>
    internal bool IsHeldByWait(long connectionId, long waitId)
    {
        lock (_lock)
        {
            return waitId != 0 && _owner == connectionId && _grantWait == waitId;
        }
    }

    /// <summary>
    /// Releases every level of the hold granted with <paramref name="token"/>, if the connection still holds it by that
    /// grant: a withdrawn reacquire passes on its own grant, never a hold the connection took since.
    /// </summary>
    internal void ReleaseGrant(long connectionId, long token)
    {
        lock (_lock)
        {
            if (_owner == connectionId && _token == token)
            {
                PassOn();
            }
        }
    }

    /// <summary>
    /// Takes a consistent snapshot for a host that persists the lock: the owning session, its depth, the current and the
    /// last fencing token, and the condition wait whose reacquire got the hold (0 for none).
    /// </summary>
    /// <remarks>Waiting acquires are not state: their calls have not returned.</remarks>
    internal (long Owner, int Depth, long Token, long LastToken, long GrantWait) CaptureImage()
    {
        lock (_lock)
        {
            return (_owner, _depth, _token, _lastToken, _grantWait);
        }
    }

    /// <summary>Gives a freshly created, unused lock the state <see cref="CaptureImage"/> took.</summary>
    /// <param name="owner">The owning session, or 0.</param>
    /// <param name="depth">The owner's depth.</param>
    /// <param name="token">The fencing token of the hold.</param>
    /// <param name="lastToken">The last token granted: tokens keep growing after a restore.</param>
    /// <param name="grantWait">The condition wait whose reacquire got the hold, or 0.</param>
    /// <param name="sessionOf">The caller of a session, whose closing is watched from now on (a fresh lease): a dead owner's hold ends by it.</param>
    internal void RestoreImage(long owner, int depth, long token, long lastToken, long grantWait, Func<long, Caller> sessionOf)
    {
        lock (_lock)
        {
            _lastToken = lastToken;
            if (owner == 0)
            {
                return;
            }

            try
            {
                _watch.Watch(sessionOf(owner));
                (_owner, _depth, _token, _grantWait) = (owner, depth, token, grantWait);
            }
            catch (OperationCanceledException)
            {
                // The owner's session is already gone: the lock is free, as when it closes.
            }
        }
    }

    private async ValueTask<long> WaitAsync(Waiter<long> waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        (bool granted, long token) = await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false);
        return granted ? token : 0;
    }

    /// <summary>Makes <paramref name="connectionId"/> the owner with a new token (under the lock).</summary>
    /// <param name="connectionId">The new owner.</param>
    /// <param name="depth">The levels of the hold (a condition wait's reacquire restores its own).</param>
    /// <param name="waitId">The condition wait whose reacquire this grant is, or 0.</param>
    private long Grant(long connectionId, int depth = 1, long waitId = 0)
    {
        _owner = connectionId;
        _depth = depth;
        _token = ++_lastToken;
        _grantWait = waitId;
        return _token;
    }

    private void ThrowIfNotOwner(long connectionId)
    {
        if (_owner != connectionId)
        {
            throw new SynchronizationLockException(_owner == 0
                ? "The shared lock is not held; release only what this connection acquired."
                : "The shared lock is held by another connection (process); only its owner can release it.");
        }
    }

    /// <summary>Frees the lock and hands it to the first waiter (under the lock).</summary>
    private void PassOn()
    {
        _owner = 0;
        _depth = 0;
        _token = 0;
        _grantWait = 0;
        if (_waiters.Dequeue() is { } next)
        {
            next.TrySetResult(next.State is Restoring restoring ? Grant(next.Owner, restoring.Depth, restoring.WaitId) : Grant(next.Owner));
        }
    }

    private void OnClosed(long connectionId)
    {
        lock (_lock)
        {
            _watch.Forget(connectionId);
            _waiters.CancelOwner(connectionId);
            if (_owner == connectionId && !_ownerless)
            {
                PassOn();
            }
        }
    }

    /// <summary>What a condition wait's reacquire restores with its grant: the levels of its hold, and which wait it is.</summary>
    private sealed record Restoring(int Depth, long WaitId);
}
