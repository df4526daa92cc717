using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedSemaphore"/>: counted permits, handed to waiters in
/// arrival order, either counting (anyone releases, nothing comes back) or owned per connection
/// (only holders release; a closed connection's permits come back).
/// </summary>
/// <remarks>
/// <para>Owned: a release pays back permits the caller holds and is refused beyond them, so the
/// free count plus every connection's holding always equals the initial count; that invariant is
/// what makes returning a closed connection's permits sound.</para>
/// <para>Counting: no connection is watched. A permit granted to a waiter whose connection closed
/// before the grant reached it is put back, as the queue does with an item.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedSemaphoreServer : IDisposable, IConnectionHoldings
{
    private readonly Lock _lock = new();
    private readonly WaitQueue<bool> _waiters;
    private readonly ClosingWatch? _watch;
    private readonly Dictionary<long, int> _held = [];
    private readonly int _maxCount;
    private int _count;
    private bool _disposed;

    /// <param name="initialCount">Free permits at the start.</param>
    /// <param name="maxCount">The most free permits.</param>
    /// <param name="kind">A <see cref="SemaphoreKind"/> value.</param>
    /// <param name="clock">The manager's clock, for wait timeouts.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range, the kind is unknown, or an owned semaphore has no initial permit.</exception>
    public SharedSemaphoreServer(int initialCount, int maxCount, int kind, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialCount, maxCount);
        if (!Enum.IsDefined((SemaphoreKind)kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown semaphore kind; expected Counting (0) or Owned (1).");
        }

        if (kind == (int)SemaphoreKind.Owned)
        {
            ArgumentOutOfRangeException.ThrowIfZero(initialCount);
            _watch = new ClosingWatch(OnClosed);
        }

        _count = initialCount;
        _maxCount = maxCount;
        _waiters = new WaitQueue<bool>(WaitKinds.Semaphore, _lock, clock);
    }

    private bool IsOwned => _watch is not null;

    public int CurrentCount()
    {
        lock (_lock)
        {
            return _count;
        }
    }

    /// <summary>Takes one permit for the caller's connection within <paramref name="timeout"/>.</summary>
    /// <returns>False when the time ran out.</returns>
    public ValueTask<bool> Acquire(TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        Waiter<bool> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _watch?.Watch(caller);
            if (_count > 0)
            {
                _count--;
                Hold(caller.ConnectionId);
                return ValueTask.FromResult(true);
            }

            if (timeout == TimeSpan.Zero)
            {
                return ValueTask.FromResult(false);
            }

            waiter = _waiters.Enqueue(caller.ConnectionId);
        }

        return WaitAsync(waiter, timeout, caller, cancellationToken);
    }

    /// <summary>Returns <paramref name="releaseCount"/> permits; returns the count before.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="releaseCount"/> is less than 1.</exception>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
    /// <exception cref="SynchronizationLockException">Owned: the caller holds fewer permits; nothing was released.</exception>
    public int Release(int releaseCount, Caller caller)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_maxCount - _count < releaseCount)
            {
                throw new SemaphoreFullException($"Releasing {releaseCount} permit(s) would exceed the maximum count of {_maxCount}; nothing was released.");
            }

            if (IsOwned)
            {
                int held = _held.GetValueOrDefault(caller.ConnectionId);
                if (held < releaseCount)
                {
                    throw new SynchronizationLockException(
                        $"This connection holds {held} permit(s) of the owned semaphore and cannot release {releaseCount}; nothing was released. Only holders release an owned semaphore (use SemaphoreKind.Counting for signalling).");
                }

                SetHeld(caller.ConnectionId, held - releaseCount);
            }

            int previous = _count;
            _count += releaseCount;
            GrantWaiters();
            return previous;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiters.FailAll(new ObjectDisposedException(nameof(ISharedSemaphore), "The shared semaphore was released while waiting."));
            _watch?.Dispose();
        }
    }

    /// <summary>Takes a consistent snapshot for a host that persists the semaphore: the free permits and, owned, each session's holding.</summary>
    /// <remarks>Waiting acquires are not state: their calls have not returned.</remarks>
    internal (int Count, (long Session, int Held)[] Held) CaptureImage()
    {
        lock (_lock)
        {
            return (_count, [.. _held.Select(static pair => (pair.Key, pair.Value))]);
        }
    }

    /// <summary>Gives a freshly created, unused semaphore the state <see cref="CaptureImage"/> took.</summary>
    /// <param name="count">The free permits.</param>
    /// <param name="held">Owned: each session's permits.</param>
    /// <param name="sessionOf">The caller of a session, whose closing is watched from now on (a fresh lease): a dead holder's permits come back by it.</param>
    internal void RestoreImage(int count, (long Session, int Held)[] held, Func<long, Caller> sessionOf)
    {
        lock (_lock)
        {
            _count = Math.Clamp(count, 0, _maxCount);
            foreach ((long session, int permits) in held)
            {
                try
                {
                    _watch?.Watch(sessionOf(session));
                    Hold(session, permits);
                }
                catch (OperationCanceledException)
                {
                    // The holder's session is already gone: its permits come back, as when it closes.
                    _count = Math.Min(_maxCount, _count + permits);
                }
            }
        }
    }

    private async ValueTask<bool> WaitAsync(Waiter<bool> waiter, TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        bool granted = (await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false)).Granted;
        if (granted && !IsOwned && caller.Disconnected.IsCancellationRequested)
        {
            // Nobody will receive this permit and no closing handler will return it: put it back.
            lock (_lock)
            {
                _count = Math.Min(_maxCount, _count + 1);
                GrantWaiters();
            }

            caller.Disconnected.ThrowIfCancellationRequested();
        }

        return granted;
    }

    private void GrantWaiters()
    {
        while (_count > 0 && _waiters.Dequeue() is { } next)
        {
            _count--;
            Hold(next.Owner);
            next.TrySetResult(true);
        }
    }

    /// <inheritdoc/>
    bool IConnectionHoldings.IsLock => false;

    /// <inheritdoc/>
    int IConnectionHoldings.HeldBy(long connectionId)
    {
        lock (_lock)
        {
            return _held.GetValueOrDefault(connectionId);
        }
    }

    private void Hold(long connectionId, int permits = 1)
    {
        if (IsOwned)
        {
            _held[connectionId] = _held.GetValueOrDefault(connectionId) + permits;
        }
    }

    private void SetHeld(long connectionId, int count)
    {
        if (count == 0)
        {
            _held.Remove(connectionId);
        }
        else
        {
            _held[connectionId] = count;
        }
    }

    private void OnClosed(long connectionId)
    {
        lock (_lock)
        {
            _watch!.Forget(connectionId);
            _waiters.CancelOwner(connectionId);
            if (_held.Remove(connectionId, out int held))
            {
                _count = Math.Min(_maxCount, _count + held);
                GrantWaiters();
            }
        }
    }
}
