using System.Runtime.ExceptionServices;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// The sliced half: a wait for a backend whose calls cannot outlast a fixed timeout (an Orleans grain call), where
/// the reacquire of the lock may itself take longer than one call and is resumed by the next slice.
/// </summary>
/// <remarks>
/// <para>A wait's reacquire waits for the lock as long as it takes (as <see cref="Wait"/> does). When it has not got
/// the lock within the slice, the slice returns <see cref="WaitSliceOutcome.Reacquiring"/> and the reacquire
/// is parked for the caller's connection: its next <see cref="WaitSlice"/> call resumes it, and returns only once the
/// lock is held again (or parks it again). So a wait that returns always holds the lock, and one whose caller gave up
/// never keeps it: a parked reacquire nobody resumes within <see cref="ResumeWindow"/> is withdrawn, and the lock,
/// if it was granted meanwhile, passed on.</para>
/// <para>Parked reacquires are not state: a host that persists the condition loses them with its memory.</para>
/// </remarks>
internal sealed partial class SharedConditionServer
{
    /// <summary>How long a parked reacquire waits for its caller to resume it.</summary>
    internal static readonly TimeSpan ResumeWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, ParkedReacquire> _parked = [];

    /// <summary>
    /// Waits for a notification within <paramref name="timeout"/> and reacquires the lock within as long again; or,
    /// when the caller's connection has a parked reacquire, resumes that for up to <paramref name="timeout"/>.
    /// </summary>
    /// <returns>A <see cref="WaitSliceOutcome"/>.</returns>
    /// <exception cref="SynchronizationLockException">A new wait whose caller's connection does not hold the lock.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled; thrown once the lock is held again.</exception>
    public async ValueTask<int> WaitSlice(TimeSpan timeout, Caller caller, CancellationToken cancellationToken)
    {
        WaitTimeout.Validate(timeout);
        ParkedReacquire? reacquire;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _parked.Remove(caller.ConnectionId, out reacquire);
        }

        if (reacquire is not null)
        {
            reacquire.Expiry?.Dispose();
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

            reacquire = new ParkedReacquire(caller);
            reacquire.Start(ReacquireAsync(reacquire, depth, notified, failure));
        }

        if (!await CompletesWithinAsync(reacquire.Task!, timeout).ConfigureAwait(false))
        {
            Park(reacquire);
            return WaitSliceOutcome.Reacquiring;
        }

        reacquire.Dispose();
        return await reacquire.Task!.ConfigureAwait(false) ? WaitSliceOutcome.Notified : WaitSliceOutcome.TimedOut;
    }

    private async Task<bool> ReacquireAsync(ParkedReacquire reacquire, int depth, bool notified, ExceptionDispatchInfo? failure)
    {
        await Lock.ReacquireAsync(reacquire.Caller, depth, reacquire.Abandoned).ConfigureAwait(false);
        reacquire.Held = true;
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
                _parked[reacquire.Caller.ConnectionId] = reacquire;
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
            if (!_parked.TryGetValue(reacquire.Caller.ConnectionId, out ParkedReacquire? current) || current != reacquire)
            {
                return;
            }

            _parked.Remove(reacquire.Caller.ConnectionId);
        }

        Withdraw(reacquire);
    }

    /// <summary>Stops a reacquire nobody will receive; if it got the lock first, passes the lock on.</summary>
    private void Withdraw(ParkedReacquire reacquire)
    {
        reacquire.Cancel();
        _ = reacquire.Task!.ContinueWith(
            (_, state) =>
            {
                var withdrawn = (ParkedReacquire)state!;
                if (withdrawn.Held && Lock.IsOwnedBy(withdrawn.Caller.ConnectionId))
                {
                    Lock.ReleaseAll(withdrawn.Caller.ConnectionId);
                }

                withdrawn.Dispose();
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
    private sealed class ParkedReacquire(Caller caller) : IDisposable
    {
        private readonly CancellationTokenSource _abandon = CancellationTokenSource.CreateLinkedTokenSource(caller.Disconnected);

        public Caller Caller => caller;

        /// <summary>Gets a token cancelled when the reacquire is withdrawn or the caller's connection closes.</summary>
        public CancellationToken Abandoned => _abandon.Token;

        /// <summary>Gets the reacquire: the wait's outcome, once the lock is held again.</summary>
        public Task<bool>? Task { get; private set; }

        /// <summary>Gets or sets whether the lock was got back.</summary>
        public bool Held { get; set; }

        public ITimer? Expiry { get; set; }

        public void Start(Task<bool> task) => Task = task;

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
