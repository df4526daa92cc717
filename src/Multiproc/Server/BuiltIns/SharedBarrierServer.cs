using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The manager's side of <see cref="ISharedBarrier"/>: a cyclic barrier for a fixed number of
/// participants, which breaks when a participating connection closes.
/// </summary>
/// <remarks>
/// <para>A connection that has signalled is a participant until the barrier is reset. If one
/// closes (its process died), the barrier breaks: every waiter, and every later signal, fails with
/// <see cref="BarrierPostPhaseException"/> until <see cref="Reset"/>.</para>
/// <para>A signal that times out or is cancelled is withdrawn, as with <see cref="Barrier"/>.</para>
/// </remarks>
[AllowConcurrentCalls]
internal sealed class SharedBarrierServer : IDisposable
{
    private const long TimedOut = -1;

    private readonly Lock _lock = new();
    private readonly WaitQueue<long> _waiters;
    private readonly ClosingWatch _watch;
    private readonly HashSet<long> _participants = [];
    private readonly int _participantCount;
    private int _arrived;
    private long _phase;
    private string? _brokenBecause;
    private bool _disposed;

    public SharedBarrierServer(int participantCount, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participantCount, 1);
        _participantCount = participantCount;
        _waiters = new WaitQueue<long>(WaitKinds.Barrier, _lock, clock, _ => _arrived--);
        _watch = new ClosingWatch(OnClosed);
    }

    public int ParticipantCount() => _participantCount;

    public long CurrentPhaseNumber()
    {
        lock (_lock)
        {
            return _phase;
        }
    }

    public int ParticipantsRemaining()
    {
        lock (_lock)
        {
            return _participantCount - _arrived;
        }
    }

    public bool IsBroken()
    {
        lock (_lock)
        {
            return _brokenBecause is not null;
        }
    }

    /// <summary>Signals arrival and waits for the others within <paramref name="timeout"/>.</summary>
    /// <returns>The phase number completed, or -1 when the time ran out (the signal is withdrawn).</returns>
    /// <exception cref="BarrierPostPhaseException">The barrier is broken.</exception>
    public ValueTask<long> SignalAndWait(TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        Waiter<long> waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfBroken();
            _watch.Watch(caller);
            _participants.Add(caller.ConnectionId);
            long phase = _phase;
            if (++_arrived == _participantCount)
            {
                _arrived = 0;
                _phase++;
                _waiters.GrantAll(phase);
                return ValueTask.FromResult(phase);
            }

            if (timeout == TimeSpan.Zero)
            {
                _arrived--;
                return ValueTask.FromResult(TimedOut);
            }

            waiter = _waiters.Enqueue(caller.ConnectionId);
        }

        return WaitAsync(waiter, timeout, cancellationToken);
    }

    /// <summary>Returns the barrier to its initial state: waiters fail, the break (if any) is cleared.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _waiters.FailAll(new BarrierPostPhaseException("The shared barrier was reset while waiting."));
            _arrived = 0;
            _brokenBecause = null;
            _participants.Clear();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _waiters.FailAll(new ObjectDisposedException(nameof(ISharedBarrier), "The shared barrier was released while waiting."));
            _watch.Dispose();
        }
    }

    /// <summary>Takes a consistent snapshot for a host that persists the barrier: the phase, the participating sessions and why it is broken (null if not).</summary>
    /// <remarks>
    /// Arrivals waiting in the current phase are not state: their calls have not returned, and a restored barrier
    /// starts the phase with none arrived (a signal whose call failed is simply sent again).
    /// </remarks>
    internal (long Phase, long[] Participants, string? BrokenBecause) CaptureImage()
    {
        lock (_lock)
        {
            return (_phase, [.. _participants], _brokenBecause);
        }
    }

    /// <summary>Gives a freshly created, unused barrier the state <see cref="CaptureImage"/> took.</summary>
    /// <param name="phase">The current phase number.</param>
    /// <param name="participants">The sessions that have signalled since the last reset.</param>
    /// <param name="brokenBecause">Why the barrier is broken, or null.</param>
    /// <param name="sessionOf">The caller of a session, whose closing is watched from now on (a fresh lease): a dead participant breaks the barrier by it.</param>
    internal void RestoreImage(long phase, long[] participants, string? brokenBecause, Func<long, Caller> sessionOf)
    {
        lock (_lock)
        {
            _phase = phase;
            _brokenBecause = brokenBecause;
            foreach (long session in participants)
            {
                _participants.Add(session);
                try
                {
                    _watch.Watch(sessionOf(session));
                }
                catch (OperationCanceledException)
                {
                    _brokenBecause ??= $"The shared barrier is broken: participant connection {session} closed (its process exited or was killed) in phase {_phase}.";
                }
            }
        }
    }

    private async ValueTask<long> WaitAsync(Waiter<long> waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        (bool granted, long phase) = await _waiters.WaitAsync(waiter, timeout, cancellationToken).ConfigureAwait(false);
        return granted ? phase : TimedOut;
    }

    private void ThrowIfBroken()
    {
        if (_brokenBecause is not null)
        {
            throw new BarrierPostPhaseException(_brokenBecause);
        }
    }

    private void OnClosed(long connectionId)
    {
        lock (_lock)
        {
            _watch.Forget(connectionId);
            if (_participants.Remove(connectionId) && _brokenBecause is null)
            {
                _brokenBecause = $"The shared barrier is broken: participant connection {connectionId} closed (its process exited or was killed) in phase {_phase}.";
                _waiters.FailAll(new BarrierPostPhaseException(_brokenBecause));
                _arrived = 0;
            }
        }
    }
}
