using Multiproc.Server;

namespace Multiproc.Shared.Server;

/// <summary>
/// The manager's side of <see cref="ISharedSemaphore"/>: counted permits, handed to waiters in
/// arrival order, accounted per connection so a closed connection's permits come back.
/// </summary>
/// <remarks>
/// A release by a connection first pays back the permits it holds; a release by a connection that
/// holds none adds a permit (signalling). When a connection closes, the permits it still holds are
/// returned (never beyond the maximum count).
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedSemaphoreServer : IDisposable
{
    private readonly Lock _lock = new();
    private readonly WaitQueue<bool> _waiters;
    private readonly ClosingWatch _watch;
    private readonly Dictionary<long, int> _held = [];
    private readonly int _maxCount;
    private int _count;
    private bool _disposed;

    public SharedSemaphoreServer(int initialCount, int maxCount, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(initialCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialCount, maxCount);
        _count = initialCount;
        _maxCount = maxCount;
        _waiters = new WaitQueue<bool>(_lock, clock);
        _watch = new ClosingWatch(OnClosed);
    }

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
            _watch.Watch(caller);
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

        return WaitAsync(waiter, timeout, cancellationToken);
    }

    /// <summary>Returns <paramref name="releaseCount"/> permits; returns the count before.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="releaseCount"/> is less than 1.</exception>
    /// <exception cref="SemaphoreFullException">The count would exceed the maximum; nothing was released.</exception>
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

            int held = _held.GetValueOrDefault(caller.ConnectionId);
            SetHeld(caller.ConnectionId, held - Math.Min(held, releaseCount));
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
            _watch.Dispose();
        }
    }

    private async ValueTask<bool> WaitAsync(Waiter<bool> waiter, TimeSpan timeout, CancellationToken cancellationToken)
        => (await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false)).Granted;

    private void GrantWaiters()
    {
        while (_count > 0 && _waiters.Dequeue() is { } next)
        {
            _count--;
            Hold(next.Owner);
            next.TrySetResult(true);
        }
    }

    private void Hold(long connectionId) => _held[connectionId] = _held.GetValueOrDefault(connectionId) + 1;

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
            _watch.Forget(connectionId);
            _waiters.CancelOwner(connectionId);
            if (_held.Remove(connectionId, out int held))
            {
                _count = Math.Min(_maxCount, _count + held);
                GrantWaiters();
            }
        }
    }
}
