using System.Runtime.ExceptionServices;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The sliced half: a wait for a backend whose calls cannot outlast a fixed timeout (an Orleans grain call), where
/// the reacquire of the lock may itself take longer than one call and is resumed by the next slice.
/// </summary>
/// <remarks>
/// <para>A wait's reacquire waits for the lock as long as it takes (as <see cref="Wait"/> does). When it has not got
/// the lock within the slice, the slice answers <see cref="WaitSliceOutcome.Reacquiring"/> with the depth it restores.
/// The wait stays known under the caller's connection and the wait's id (the caller's own, so two waits of one process
/// never meet) from its first slice until its outcome is answered. The caller's next <see cref="WaitSlice"/> call, with
/// that id and depth, resumes it and returns only once the lock is held again (or answers "reacquiring" again). So a
/// wait that returns always holds the lock, and one whose caller gave up never keeps it: a wait no call attends to for
/// <see cref="ResumeWindow"/> is withdrawn, and the lock, if its reacquire was granted it meanwhile, passed on (only
/// that grant, by its fencing token).</para>
/// <para>A call of a wait that is still known (a resume, or a first slice sent again because its answer was lost)
/// attends to it: it never starts a second one. Waits in progress are not state: a host that persists the condition
/// loses them with its memory. A call that finds its wait unknown (after such a loss, or after a withdrawal) is never
/// taken for a new wait: if the lock is held by the grant of this very wait (recorded with the lock, so stored with
/// it), the wait is done; otherwise its reacquire starts again at the depth the caller sent (1 when a first slice's
/// answer was lost, the depth being unknown). Either way it returns <see cref="WaitSliceOutcome.Notified"/>, a spurious
/// wakeup for a wait that was not notified, which a condition's callers check for anyway. A first slice sent again to
/// a host whose stored lock still has the caller's connection as owner (its release was never stored) starts the wait
/// afresh.</para>
/// </remarks>
internal sealed partial class SharedConditionServer
{
    /// <summary>How long a wait no call attends to waits for its caller to resume it.</summary>
    /// <remarks>
    /// Longer than a live caller can be away: its proxy repeats a call that failed as unavailable for a minute
    /// (<c>SlicedWait.FailoverWindow</c>), each attempt lasting up to a response timeout. Withdrawn sooner, a wait whose
    /// first slice's answer was lost would come back at depth 1 (its depth unknown to the caller), and a reentrant
    /// lock held deeper would pass on while its caller still counted levels.
    /// </remarks>
    internal static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(75);

    private readonly Dictionary<(long Connection, long Wait), SlicedWaitState> _waits = [];

    // Withdrawn waits whose grant, if they got one, is not passed on yet: a call of the same wait arriving meanwhile
    // waits for that first, so it never takes the withdrawn grant for its own.
    private readonly Dictionary<(long Connection, long Wait), SlicedWaitState> _withdrawing = [];

    // Waits answered or withdrawn within the last ResumeWindow, oldest first: a first slice of one of them that arrives
    // late (the network held it past its own repeat, which was answered) must not start a wait nobody knows of.
    private readonly Dictionary<(long Connection, long Wait), long> _ended = [];
    private readonly Queue<((long Connection, long Wait) Key, long EndedAt)> _endedInOrder = [];

    /// <summary>Gets how many waits have outlasted a slice and are still going on (diagnostics).</summary>
    internal int ParkedReacquires
    {
        get
        {
            lock (_sync)
            {
                return _waits.Values.Count(static wait => wait.OutlastedASlice);
            }
        }
    }

    /// <summary>
    /// Waits for a notification within <paramref name="timeout"/> and reacquires the lock within as long again; or,
    /// given the <paramref name="resumeDepth"/> of an earlier slice's answer, resumes that wait's reacquire for up to
    /// <paramref name="timeout"/>.
    /// </summary>
    /// <param name="timeout">How long this slice may wait.</param>
    /// <param name="waitId">The caller's id of the wait (not 0): the same for every slice of one wait.</param>
    /// <param name="resumeDepth">
    /// 0 for a new wait; for a resume, the depth the earlier <see cref="WaitSliceOutcome.Reacquiring"/> answer gave;
    /// <see cref="WaitSliceOutcome.RepeatedFirstSlice"/> for a first slice sent again because its answer was lost.
    /// </param>
    /// <param name="caller">The waiting connection.</param>
    /// <param name="cancellationToken">Ends the wait for a notification (the lock is still reacquired).</param>
    /// <returns>A <see cref="WaitSliceOutcome"/>.</returns>
    /// <exception cref="SynchronizationLockException">A new wait whose caller's connection does not hold the lock.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; thrown once the lock is held again.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The wait id is 0, or the depth below <see cref="WaitSliceOutcome.RepeatedFirstSlice"/>.</exception>
    public async ValueTask<int> WaitSlice(TimeSpan timeout, long waitId, int resumeDepth, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        ArgumentOutOfRangeException.ThrowIfZero(waitId);
        ArgumentOutOfRangeException.ThrowIfLessThan(resumeDepth, WaitSliceOutcome.RepeatedFirstSlice);
        var key = (caller.ConnectionId, waitId);
        SlicedWaitState? wait;
        SlicedWaitState? withdrawing;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            withdrawing = _withdrawing.GetValueOrDefault(key);
            if (_waits.TryGetValue(key, out wait) && wait.Task!.IsCompleted && wait.Abandoned.IsCancellationRequested)
            {
                // Ended by its session's end (a lease that ran out while the caller could not reach the host), not by
                // the caller: the caller is back, so the wait is unknown rather than failed.
                _waits.Remove(key);
                wait = null;
            }

            wait?.Attend();
            if (wait is null && resumeDepth == 0 && _ended.ContainsKey(key))
            {
                // A late first slice of a wait already over: its caller has its answer; this one is not read.
                return WaitSliceOutcome.TimedOut;
            }
        }

        TimeSpan within = timeout;
        if (wait is null)
        {
            if (withdrawing is not null)
            {
                await withdrawing.Withdrawn.ConfigureAwait(false);
            }

            if (resumeDepth != 0 && Lock.IsHeldByWait(caller.ConnectionId, waitId))
            {
                return WaitSliceOutcome.Notified;
            }

            if (resumeDepth > 0 || (resumeDepth == WaitSliceOutcome.RepeatedFirstSlice && !Lock.IsOwnedBy(caller.ConnectionId)))
            {
                var restarted = new SlicedWaitState(caller, waitId, Math.Max(resumeDepth, 1));
                restarted.Start(ReacquireAsync(restarted, notified: true, failure: null));
                wait = Track(restarted);
            }
            else
            {
                wait = Begin(timeout, caller, waitId, cancellationToken);

                // The notification's time, then the reacquire's.
                within = timeout == Timeout.InfiniteTimeSpan ? timeout : timeout + timeout;
            }
        }

        bool completed = await CompletesWithinAsync(wait.Task!, within).ConfigureAwait(false);
        int depth = wait.Depth;
        if (!completed && Park(wait))
        {
            return WaitSliceOutcome.Reacquiring(depth);
        }

        Forget(wait);
        return await wait.Task!.ConfigureAwait(false) ? WaitSliceOutcome.Notified : WaitSliceOutcome.TimedOut;
    }

    /// <summary>Starts a new wait: leaves the lock, and waits for a notification, then for the lock.</summary>
    private SlicedWaitState Begin(TimeSpan timeout, Caller caller, long waitId, CancellationToken cancellationToken)
    {
        (Waiter<bool> waiter, int depth) = Leave(caller);
        var wait = new SlicedWaitState(caller, waitId, depth);
        wait.Start(NotifiedThenReacquiredAsync(wait, waiter, timeout, cancellationToken));
        return Track(wait);
    }

    private async Task<bool> NotifiedThenReacquiredAsync(SlicedWaitState wait, Waiter<bool> waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo? failure = null;
        bool notified = false;
        try
        {
            notified = await AwaitNotificationAsync(waiter, timeout, wait.Caller, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Rethrown by the reacquire, once the lock is held again (as Wait does).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        return await ReacquireAsync(wait, notified, failure).ConfigureAwait(false);
    }

    private async Task<bool> ReacquireAsync(SlicedWaitState wait, bool notified, ExceptionDispatchInfo? failure)
    {
        wait.GrantToken = await Lock.ReacquireAsync(wait.Caller, wait.Depth, wait.WaitId, wait.Abandoned).ConfigureAwait(false);
        failure?.Throw();
        return notified;
    }

    /// <summary>Makes a started wait known under its key, with the calling slice attending to it.</summary>
    /// <returns>
    /// The wait; or one known under the key meanwhile (another call of the same wait got there first), attended to
    /// instead, this one withdrawn. Disposed, the condition withdraws it and throws.
    /// </returns>
    /// <exception cref="ObjectDisposedException">The condition was disposed.</exception>
    private SlicedWaitState Track(SlicedWaitState wait)
    {
        SlicedWaitState? known;
        lock (_sync)
        {
            if (!_disposed && !_waits.TryGetValue(wait.Key, out known))
            {
                _waits[wait.Key] = wait;
                wait.Attend();
                return wait;
            }

            known = _disposed ? null : _waits[wait.Key];
            known?.Attend();
        }

        Withdraw(wait);
        ObjectDisposedException.ThrowIf(known is null, this);
        return known;
    }

    /// <summary>A slice ends before its wait: the wait is left to its caller's next call, withdrawn if none comes in time.</summary>
    /// <returns>False when the wait ended meanwhile (the slice answers its outcome).</returns>
    private bool Park(SlicedWaitState wait)
    {
        lock (_sync)
        {
            if (wait.Task!.IsCompleted)
            {
                return false;
            }

            // Disposed, the condition cancelled its waits: the caller's next call is told.
            wait.OutlastedASlice = true;
            if (wait.LeaveCall() == 0 && !_disposed && _waits.GetValueOrDefault(wait.Key) == wait)
            {
                wait.Expiry = _clock.CreateTimer(
                    static state =>
                    {
                        (SharedConditionServer condition, SlicedWaitState left) = ((SharedConditionServer, SlicedWaitState))state!;
                        condition.Expire(left);
                    },
                    (this, wait),
                    ResumeWindow,
                    Timeout.InfiniteTimeSpan);
            }

            return true;
        }
    }

    /// <summary>A slice answers the wait's outcome: the wait is no longer known (a call that comes for it again finds its grant).</summary>
    private void Forget(SlicedWaitState wait)
    {
        lock (_sync)
        {
            if (_waits.GetValueOrDefault(wait.Key) == wait)
            {
                _waits.Remove(wait.Key);
                NoteEnded(wait.Key);
            }
        }

        wait.Dispose();
    }

    /// <summary>Remembers a wait that ended for <see cref="ResumeWindow"/> (under <see cref="_sync"/>), forgetting those older.</summary>
    private void NoteEnded((long Connection, long Wait) key)
    {
        long now = _clock.GetTimestamp();
        while (_endedInOrder.TryPeek(out var oldest) && _clock.GetElapsedTime(oldest.EndedAt, now) > ResumeWindow)
        {
            _endedInOrder.Dequeue();
            if (_ended.GetValueOrDefault(oldest.Key) == oldest.EndedAt)
            {
                _ended.Remove(oldest.Key);
            }
        }

        _ended[key] = now;
        _endedInOrder.Enqueue((key, now));
    }

    /// <summary>No call attended to a wait in time: its caller gave up.</summary>
    private void Expire(SlicedWaitState wait)
    {
        lock (_sync)
        {
            if (wait.Calls != 0 || _waits.GetValueOrDefault(wait.Key) != wait)
            {
                return;
            }

            _waits.Remove(wait.Key);
            _withdrawing[wait.Key] = wait;
            NoteEnded(wait.Key);
        }

        // Outside the condition's lock: the cancellation runs the lock's handlers, under the lock's own lock.
        Withdraw(wait);
    }

    /// <summary>Stops a wait nobody will receive; if its reacquire got the lock first, passes that grant on (and only that one), once the reacquire ends.</summary>
    private void Withdraw(SlicedWaitState wait)
    {
        wait.Cancel();
        _ = wait.Task!.ContinueWith(
            (_, state) =>
            {
                var withdrawn = (SlicedWaitState)state!;
                if (withdrawn.GrantToken != 0)
                {
                    Lock.ReleaseGrant(withdrawn.Caller.ConnectionId, withdrawn.GrantToken);
                }

                lock (_sync)
                {
                    if (_withdrawing.GetValueOrDefault(withdrawn.Key) == withdrawn)
                    {
                        _withdrawing.Remove(withdrawn.Key);
                    }
                }

                withdrawn.Dispose();
                withdrawn.MarkWithdrawn();
            },
            wait,
            CancellationToken.None,
            TaskContinuationOptions.RunContinuationsAsynchronously,
            TaskScheduler.Default);
    }

    private async ValueTask<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        if (!task.IsCompleted && timeout != Timeout.InfiniteTimeSpan)
        {
            try
            {
                await task.WaitAsync(timeout, _clock).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!task.IsCompleted)
            {
                return false;
            }
#pragma warning disable CA1031 // The task's own failure is observed by the caller, which awaits it next.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        else if (!task.IsCompleted)
        {
            await ((Task)task).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        return true;
    }

    private void AbandonParked()
    {
        SlicedWaitState[] waits;
        lock (_sync)
        {
            waits = [.. _waits.Values];
            _waits.Clear();
        }

        // Withdrawn, not merely cancelled: a reacquire granted a free lock meanwhile passes its grant on.
        foreach (SlicedWaitState wait in waits)
        {
            wait.Expiry?.Dispose();
            Withdraw(wait);
        }
    }

    /// <summary>One sliced wait, from its first slice until a slice answers its outcome: its notification, then its reacquire of the lock.</summary>
    private sealed class SlicedWaitState(Caller caller, long waitId, int depth) : IDisposable
    {
        private readonly CancellationTokenSource _abandon = CancellationTokenSource.CreateLinkedTokenSource(caller.Disconnected);
        private readonly TaskCompletionSource _withdrawn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Caller Caller => caller;

        public long WaitId => waitId;

        /// <summary>Gets the levels of the hold the reacquire restores.</summary>
        public int Depth => depth;

        /// <summary>Gets the key it is known under: the caller's connection and its id of the wait.</summary>
        public (long Connection, long Wait) Key => (caller.ConnectionId, waitId);

        /// <summary>Gets a token cancelled when the wait is withdrawn or the caller's connection closes.</summary>
        public CancellationToken Abandoned => _abandon.Token;

        /// <summary>Gets the wait: its outcome, once the lock is held again.</summary>
        public Task<bool>? Task { get; private set; }

        /// <summary>Gets or sets the fencing token of the grant the reacquire got; 0 until it got the lock.</summary>
        public long GrantToken { get; set; }

        /// <summary>Gets or sets whether a slice ended before the wait did (under the condition's lock).</summary>
        public bool OutlastedASlice { get; set; }

        /// <summary>Gets how many calls attend to the wait now (under the condition's lock).</summary>
        public int Calls { get; private set; }

        /// <summary>Gets or sets the timer that withdraws the wait when no call attends to it in time.</summary>
        public ITimer? Expiry { get; set; }

        /// <summary>Gets a task that completes once the wait is withdrawn and its grant, if any, passed on.</summary>
        public Task Withdrawn => _withdrawn.Task;

        public void Start(Task<bool> task) => Task = task;

        /// <summary>A call attends to the wait (under the condition's lock): it is not withdrawn meanwhile.</summary>
        public void Attend()
        {
            Calls++;
            Expiry?.Dispose();
            Expiry = null;
        }

        /// <summary>A call leaves the wait (under the condition's lock); returns how many still attend.</summary>
        public int LeaveCall() => --Calls;

        public void MarkWithdrawn() => _withdrawn.TrySetResult();

        public void Cancel()
        {
            try
            {
                _abandon.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            Expiry?.Dispose();
            _abandon.Dispose();
        }
    }
}
