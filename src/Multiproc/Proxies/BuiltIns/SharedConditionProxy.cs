using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared condition; its lock members act on the condition's lock.</summary>
internal sealed class SharedConditionProxy : SharedLockProxy, ISharedCondition
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];
    private static readonly ValueWriter[] s_count = [ValueCodec<int>.Writer];
    private static readonly ValueWriter[] s_slice = [ValueCodec<TimeSpan>.Writer, ValueCodec<long>.Writer, ValueCodec<int>.Writer];
    private static readonly Func<int, bool> s_reacquired = static outcome => !WaitSliceOutcome.IsReacquiring(outcome);
    private static readonly Func<bool> s_resumeIsRepeatable = static () => true;
    private static readonly Func<int, bool> s_anyAnswer = static _ => true;

    // A sliced wait is done once notified. Between slices the caller holds the lock again, so no
    // notifier can run in the gap: a notification is never missed (SharedConditionServer).
    private static readonly Func<bool, bool> s_notified = static notified => notified;

    public SharedConditionProxy(SharedObject handle)
        : base(handle)
    {
    }

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
    {
        WaitTimeout.Validate(timeout);
        return Handle.ChannelForCall().MaxWaitSlice is { } slice
            ? SlicedWait.Run(timeout, slice, TimeProvider.System, next => WaitSlice(next, slice), s_notified)
            : CallWaiting(ConditionMembers.Wait, [timeout], 0, s_timeout, s_notified, default);
    }

    public Task WaitAsync(CancellationToken cancellationToken = default) => WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        WaitTimeout.Validate(timeout);
        return Handle.ChannelForCall().MaxWaitSlice is { } slice
            ? await SlicedWait.RunAsync(timeout, slice, TimeProvider.System, next => WaitSliceAsync(next, slice, cancellationToken), s_notified).ConfigureAwait(false)
            : await CallWaitingAsync(ConditionMembers.Wait, [timeout], 0, s_timeout, s_notified, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One slice of a wait on a channel that slices waits; a reacquire of the lock that outlasts the slice is resumed
    /// by further calls until the lock is held again (the server keeps it for this wait meanwhile).
    /// </summary>
    /// <remarks>
    /// Each slice is a wait of its own, named by a fresh id, so two waits of one process on one condition never take
    /// each other's reacquire. A call that fails as unavailable is repeated (within <see cref="SlicedWait.FailoverWindow"/>):
    /// the host answers a call of a wait it knows by attending to that wait, never starting a second one, and one of a
    /// wait it lost with its memory (a cluster's failover) from the lock it stored, since the call names the wait and
    /// the depth to restore (<see cref="WaitSliceOutcome.RepeatedFirstSlice"/> when the first slice's answer was lost).
    /// </remarks>
    private bool WaitSlice(TimeSpan timeout, TimeSpan slice)
    {
        long waitId = NewWaitId();
        int first = 0;
        int outcome = SlicedWait.Run(
            Timeout.InfiniteTimeSpan, slice, TimeProvider.System,
            _ => CallSettled<int>(ConditionMembers.WaitSlice, [timeout, waitId, first], s_slice, default),
            s_anyAnswer, () => RepeatFirst(ref first));
        if (WaitSliceOutcome.IsReacquiring(outcome))
        {
            int depth = WaitSliceOutcome.DepthOf(outcome);
            outcome = SlicedWait.Run(
                Timeout.InfiniteTimeSpan, slice, TimeProvider.System,
                next => CallSettled<int>(ConditionMembers.WaitSlice, [next, waitId, depth], s_slice, default),
                s_reacquired, s_resumeIsRepeatable);
        }

        return outcome == WaitSliceOutcome.Notified;
    }

    /// <summary>The asynchronous form of <see cref="WaitSlice"/>: a cancelled wait still gets the lock back before it throws, as on a manager.</summary>
    /// <remarks>
    /// The token is checked before each slice, when the caller holds the lock (before the first, and after each slice
    /// that ended with the lock reacquired), never passed into a slice: a grain call cancelled by the caller completes at
    /// once while its grain still reacquires the lock for this session, so the wait would throw without the lock and the
    /// lock would stay with the session. A cancellation is thus seen within one slice (a third of the response timeout).
    /// </remarks>
    private async Task<bool> WaitSliceAsync(TimeSpan timeout, TimeSpan slice, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long waitId = NewWaitId();
        int first = 0;
        int outcome = await SlicedWait.RunAsync(
            Timeout.InfiniteTimeSpan, slice, TimeProvider.System,
            _ => CallSettledAsync<int>(ConditionMembers.WaitSlice, [timeout, waitId, first], s_slice, CancellationToken.None),
            s_anyAnswer, () => RepeatFirst(ref first)).ConfigureAwait(false);
        try
        {
            if (WaitSliceOutcome.IsReacquiring(outcome))
            {
                // Not cancellable: the lock must be held again before the wait ends, cancelled or not.
                int depth = WaitSliceOutcome.DepthOf(outcome);
                outcome = await SlicedWait.RunAsync(
                    Timeout.InfiniteTimeSpan, slice, TimeProvider.System,
                    next => CallSettledAsync<int>(ConditionMembers.WaitSlice, [next, waitId, depth], s_slice, CancellationToken.None),
                    s_reacquired, s_resumeIsRepeatable).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }

        return outcome == WaitSliceOutcome.Notified;
    }

    // The first slice's answer was lost: it is sent again as such (a repeat the host may not know of).
    private static bool RepeatFirst(ref int first)
    {
        first = WaitSliceOutcome.RepeatedFirstSlice;
        return true;
    }

    // Random rather than counted: ids from two proxies of one process (one session) must not meet either.
    private static long NewWaitId() => Random.Shared.NextInt64(1, long.MaxValue);

    public int Notify(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Call<int>(ConditionMembers.Notify, [count], s_count);
    }

    public int NotifyAll() => Call<int>(ConditionMembers.NotifyAll, [], []);
}
