using System.Runtime.ExceptionServices;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The sliced half: a wait for a backend whose calls cannot outlast a fixed timeout (an Orleans grain call), where
/// the reacquire of the lock may itself take longer than one call and is resumed by the next slice.
/// </summary>
/// <remarks>
/// <para>A wait's reacquire waits for the lock as long as it takes (as <see cref="Wait"/> does). When it has not got
/// the lock within the slice, the slice answers <see cref="WaitSliceOutcome.Reacquiring"/> with the depth it restores,
/// and the reacquire is parked under the caller's connection and the wait's id (the caller's own, so two waits of
/// one process never meet). The caller's next <see cref="WaitSlice"/> call, with that id and depth, resumes it and
/// returns only once the lock is held again (or parks it again). So a wait that returns always holds the lock, and
/// one whose caller gave up never keeps it: a parked reacquire nobody resumes within <see cref="ResumeWindow"/> is
/// withdrawn, and the lock, if its reacquire was granted it meanwhile, passed on (only that grant, by its fencing
/// token).</para>
/// <para>Parked reacquires are not state: a host that persists the condition loses them with its memory. A resume
/// that finds nothing parked (after such a loss, or after a withdrawal) is never taken for a new wait: if the lock is
/// held by the grant of this very wait (recorded with the lock, so stored with it), the wait is done; otherwise its
/// reacquire starts again at the depth the caller sent. Either way it returns <see cref="WaitSliceOutcome.Notified"/>,
/// a spurious wakeup for a wait that was not notified, which a condition's callers check for anyway.</para>
/// </remarks>
internal sealed partial class SharedConditionServer
{
    /// <summary>How long a parked reacquire waits for its caller to resume it.</summary>
    internal static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<(long Connection, long Wait), ParkedReacquire> _parked = [];

    // Withdrawn reacquires whose grant, if they got one, is not passed on yet: a resume of the same wait arriving
    // meanwhile waits for that first, so it never takes the withdrawn grant for its own.
    private readonly Dictionary<(long Connection, long Wait), ParkedReacquire> _withdrawing = [];

    /// <summary>Gets how many reacquires are parked, awaiting their callers' resumes (diagnostics).</summary>
    internal int ParkedReacquires
    {
        get
        {
            lock (_sync)
            {
                return _parked.Count;
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
    /// <param name="resumeDepth">0 for a new wait; for a resume, the depth the earlier <see cref="WaitSliceOutcome.Reacquiring"/> answer gave.</param>
    /// <param name="caller">The waiting connection.</param>
    /// <param name="cancellationToken">Ends the wait for a notification (the lock is still reacquired).</param>
    /// <returns>A <see cref="WaitSliceOutcome"/>.</returns>
    /// <exception cref="SynchronizationLockException">A new wait whose caller's connection does not hold the lock.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; thrown once the lock is held again.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The wait id is 0, or the depth negative.</exception>
    public async ValueTask<int> WaitSlice(TimeSpan timeout, long waitId, int resumeDepth, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        ArgumentOutOfRangeException.ThrowIfZero(waitId);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeDepth);
        ParkedReacquire? reacquire;
        ParkedReacquire? withdrawing = null;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_parked.Remove((caller.ConnectionId, waitId), out reacquire) && resumeDepth > 0)
            {
                withdrawing = _withdrawing.GetValueOrDefault((caller.ConnectionId, waitId));
            }
        }

        if (reacquire is not null)
        {
            reacquire.Expiry?.Dispose();
        }
        else if (resumeDepth > 0)
        {
            if (withdrawing is not null)
            {
                await withdrawing.Withdrawn.ConfigureAwait(false);
            }

            if (Lock.IsHeldByWait(caller.ConnectionId, waitId))
            {
                return WaitSliceOutcome.Notified;
            }

            reacquire = new ParkedReacquire(caller, waitId, resumeDepth);
            reacquire.Start(ReacquireAsync(reacquire, notified: true, failure: null));
        }
        else
        {
            (Waiter<bool> waiter, int depth) = Leave(caller);
            ExceptionDispatchInfo? failure = null;
            bool notified = false;
            try
            {
                notified = await AwaitNotificationAsync(waiter, timeout, caller, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Rethrown by the reacquire, once the lock is held again (as Wait does).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }

            reacquire = new ParkedReacquire(caller, waitId, depth);
            reacquire.Start(ReacquireAsync(reacquire, notified, failure));
        }

        if (!await CompletesWithinAsync(reacquire.Task!, timeout).ConfigureAwait(false))
        {
            Park(reacquire);
            return WaitSliceOutcome.Reacquiring(reacquire.Depth);
        }

        reacquire.Dispose();
        return await reacquire.Task!.ConfigureAwait(false) ? WaitSliceOutcome.Notified : WaitSliceOutcome.TimedOut;
    }

    private async Task<bool> ReacquireAsync(ParkedReacquire reacquire, bool notified, ExceptionDispatchInfo? failure)
    {
        reacquire.GrantToken = await Lock.ReacquireAsync(reacquire.Caller, reacquire.Depth, reacquire.WaitId, reacquire.Abandoned).ConfigureAwait(false);
        failure?.Throw();
        return notified;
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

    private void Park(ParkedReacquire reacquire)
    {
        lock (_sync)
        {
            if (!_disposed)
            {
                _parked[reacquire.Key] = reacquire;
                reacquire.Expiry = _clock.CreateTimer(
                    static state =>
                    {
                        (SharedConditionServer condition, ParkedReacquire parked) = ((SharedConditionServer, ParkedReacquire))state!;
                        condition.Expire(parked);
                    },
                    (this, reacquire),
                    ResumeWindow,
                    Timeout.InfiniteTimeSpan);
                return;
            }
        }

        Withdraw(reacquire);
    }

    /// <summary>Nobody resumed a parked reacquire in time: its caller gave up.</summary>
    private void Expire(ParkedReacquire reacquire)
    {
        lock (_sync)
        {
            if (!_parked.TryGetValue(reacquire.Key, out ParkedReacquire? current) || current != reacquire)
            {
                return;
            }

            _parked.Remove(reacquire.Key);
            _withdrawing[reacquire.Key] = reacquire;
        }

        Withdraw(reacquire);
    }

    /// <summary>Stops a reacquire nobody will receive; if it got the lock first, passes that grant on (and only that one).</summary>
    private void Withdraw(ParkedReacquire reacquire)
    {
        reacquire.Cancel();
        _ = reacquire.Task!.ContinueWith(
            (_, state) =>
            {
                var withdrawn = (ParkedReacquire)state!;
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
            reacquire,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void AbandonParked()
    {
        ParkedReacquire[] parked;
        lock (_sync)
        {
            parked = [.. _parked.Values];
            _parked.Clear();
        }

        foreach (ParkedReacquire reacquire in parked)
        {
            reacquire.Expiry?.Dispose();
            reacquire.Cancel();
        }
    }

    /// <summary>One wait's reacquire of the lock, which may outlast the slice that started it.</summary>
    private sealed class ParkedReacquire(Caller caller, long waitId, int depth) : IDisposable
    {
        private readonly CancellationTokenSource _abandon = CancellationTokenSource.CreateLinkedTokenSource(caller.Disconnected);
        private readonly TaskCompletionSource _withdrawn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Caller Caller => caller;

        public long WaitId => waitId;

        /// <summary>Gets the levels of the hold the reacquire restores.</summary>
        public int Depth => depth;

        /// <summary>Gets the key it is parked under: the caller's connection and its id of the wait.</summary>
        public (long Connection, long Wait) Key => (caller.ConnectionId, waitId);

        /// <summary>Gets a token cancelled when the reacquire is withdrawn or the caller's connection closes.</summary>
        public CancellationToken Abandoned => _abandon.Token;

        /// <summary>Gets the reacquire: the wait's outcome, once the lock is held again.</summary>
        public Task<bool>? Task { get; private set; }

        /// <summary>Gets or sets the fencing token of the grant the reacquire got; 0 until it got the lock.</summary>
        public long GrantToken { get; set; }

        /// <summary>Gets a task that completes once the reacquire is withdrawn and its grant, if any, passed on.</summary>
        public Task Withdrawn => _withdrawn.Task;

        public ITimer? Expiry { get; set; }

        public void Start(Task<bool> task) => Task = task;

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
