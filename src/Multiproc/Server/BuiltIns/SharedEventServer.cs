using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>The manager's side of <see cref="ISharedEvent"/>: a manual-reset event.</summary>
/// <remarks>Calls overlap so a waiting <see cref="Wait"/> never blocks <see cref="Set"/>.</remarks>
[AllowConcurrentCalls]
internal sealed class SharedEventServer : IDisposable
{
    private readonly Lock _lock = new();
    private readonly WaitQueue<bool> _waiters;
    private bool _isSet;
    private bool _disposed;

    public SharedEventServer(bool initialState, TimeProvider clock)
    {
        _isSet = initialState;
        _waiters = new WaitQueue<bool>(WaitKinds.Event, _lock, clock);
    }

    public bool IsSet()
    {
        lock (_lock)
        {
            return _isSet;
        }
    }

    /// <summary>Sets the event and wakes every waiter.</summary>
    public void Set()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _isSet = true;
            _waiters.GrantAll(true);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _isSet = false;
        }
    }

    /// <summary>Waits until the event is set, within <paramref name="timeout"/>.</summary>
    /// <returns>False when the time ran out.</returns>
    public ValueTask<bool> Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        Waiter<bool> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_isSet || timeout == TimeSpan.Zero)
            {
                return ValueTask.FromResult(_isSet);
            }

            waiter = _waiters.Enqueue(0);
        }

        return WaitAsync(waiter, timeout, cancellationToken);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiters.FailAll(new ObjectDisposedException(nameof(ISharedEvent), "The shared event was released while waiting."));
        }
    }

    /// <summary>Restores the flag a host persisted (<see cref="IsSet"/> is its snapshot); waiters are not state.</summary>
    internal void RestoreImage(bool isSet)
    {
        lock (_lock)
        {
            _isSet = isSet;
        }
    }

    private async ValueTask<bool> WaitAsync(Waiter<bool> waiter, TimeSpan timeout, CancellationToken cancellationToken)
        => (await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false)).Granted;
}
