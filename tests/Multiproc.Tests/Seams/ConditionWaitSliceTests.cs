using Microsoft.Extensions.Time.Testing;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Tests.Seams;

/// <summary>
/// The sliced condition wait on the server class, on a fake clock: each slice names its wait, a reacquire nobody
/// resumes is withdrawn (passing on only its own grant), and a call whose wait is unknown (withdrawn, or lost with a
/// cluster host's memory) never starts a new one.
/// </summary>
public sealed class ConditionWaitSliceTests
{
    private const long WaitId = 7;
    private static readonly TimeSpan s_slice = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_pastTheResumeWindow = SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _clock = new();
    private readonly Caller _waiter = new(1, CancellationToken.None);
    private readonly Caller _holder = new(2, CancellationToken.None);

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ReacquireNotResumedWithinTheWindow_IsWithdrawn_TheLockIsNeverHandedToTheCallerThatGaveUp()
    {
        using SharedConditionServer condition = await ParkedWhileTheHolderHoldsTheLockAsync();

        // Nobody resumes it (the caller gave up): past the resume window it is withdrawn.
        _clock.Advance(s_pastTheResumeWindow);
        condition.Release(_holder);

        Assert.False(condition.IsLocked());
        Assert.Equal(0, condition.FencingToken(_waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_Resumed_ReturnsNotifiedOnceTheLockIsBack()
    {
        using SharedConditionServer condition = await ParkedWhileTheHolderHoldsTheLockAsync();

        Task<int> resumed = SliceAsync(condition, WaitId, resumeDepth: 1);
        condition.Release(_holder);

        Assert.Equal(WaitSliceOutcome.Notified, await resumed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(0, condition.FencingToken(_waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_TwoWaitsOfOneConnectionParkedAtOnce_EachResumesItsOwn_AndTheLockEndsFree()
    {
        using var condition = new SharedConditionServer(reentrant: false, _clock);

        // Two threads of one process (one connection) wait, one after the other, each holding the lock to start.
        await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None);
        Task<int> first = SliceAsync(condition, 1, resumeDepth: 0);
        await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None);
        Task<int> second = SliceAsync(condition, 2, resumeDepth: 0);
        await condition.Acquire(TimeSpan.Zero, _holder, CancellationToken.None);
        Assert.Equal(2, condition.NotifyAll(_holder));
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(first));
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(second));

        // Both resume: the first to get the lock returns; the other gets it once the first thread releases it.
        Task<int> firstResumed = SliceAsync(condition, 1, resumeDepth: 1, TimeSpan.FromSeconds(5));
        Task<int> secondResumed = SliceAsync(condition, 2, resumeDepth: 1, TimeSpan.FromSeconds(5));
        condition.Release(_holder);
        Task<int> done = await Task.WhenAny(firstResumed, secondResumed).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WaitSliceOutcome.Notified, await done);
        condition.Release(_waiter);
        Task<int> other = done == firstResumed ? secondResumed : firstResumed;
        Assert.Equal(WaitSliceOutcome.Notified, await other.WaitAsync(TimeSpan.FromSeconds(10)));
        condition.Release(_waiter);

        // Nothing is left parked to take the lock later.
        _clock.Advance(s_pastTheResumeWindow);
        Assert.False(condition.IsLocked());
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, _holder, CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ResumeLaterThanTheWindow_StartsTheReacquireAgain_NotANewWait()
    {
        using SharedConditionServer condition = await ParkedWhileTheHolderHoldsTheLockAsync(depth: 2);

        // The caller is late: the reacquire is withdrawn, and the lock, once free, is not handed to it.
        _clock.Advance(s_pastTheResumeWindow);
        condition.Release(_holder);
        Assert.False(condition.IsLocked());

        // Its resume still ends holding the lock, at the depth it had (a new wait would throw: it holds nothing).
        Assert.Equal(WaitSliceOutcome.Notified, await SliceAsync(condition, WaitId, resumeDepth: 2).WaitAsync(TimeSpan.FromSeconds(10)));
        condition.Release(_waiter);
        Assert.True(condition.IsLocked());
        condition.Release(_waiter);
        Assert.False(condition.IsLocked());
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_WithdrawnAfterItsGrantWasPassedOn_KeepsTheHoldTheConnectionTookSince()
    {
        using SharedConditionServer condition = await ParkedWhileTheHolderHoldsTheLockAsync();

        // The parked reacquire gets the lock; another thread of the waiter's process releases it and acquires anew.
        condition.Release(_holder);
        long granted = condition.FencingToken(_waiter);
        Assert.NotEqual(0, granted);
        condition.Release(_waiter);
        long own = await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None);
        Assert.NotEqual(granted, own);

        // Nobody resumes the wait: its withdrawal passes on its own grant only, which is gone already.
        _clock.Advance(s_pastTheResumeWindow);
        Assert.Equal(own, condition.FencingToken(_waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ResumeToAHostThatLostItsMemory_WhoseLockHoldsTheWaitsGrant_ReturnsHoldingIt()
    {
        // A cluster's lock grain restored from storage: the stored hold is the grant this wait's reacquire got.
        using var restored = RestoredLock(owner: _waiter.ConnectionId, grantWait: WaitId);
        using var condition = new SharedConditionServer(restored, _clock);

        Assert.Equal(WaitSliceOutcome.Notified, await SliceAsync(condition, WaitId, resumeDepth: 1).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, condition.FencingToken(_waiter));

        // Another wait of the same connection holding the lock by an ordinary acquire would not: it reacquires anew.
        Task<int> other = SliceAsync(condition, WaitId + 1, resumeDepth: 1);
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(other));
        condition.Release(_waiter);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainWhileItsWaitIsKnown_AttendsToThatWait_NeverStartsASecond()
    {
        using var condition = new SharedConditionServer(reentrant: false, _clock);
        await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None);
        Task<int> lost = SliceAsync(condition, WaitId, resumeDepth: 0);

        // The first slice's answer is lost to its caller, which sends it again while the wait goes on.
        Task<int> repeated = SliceAsync(condition, WaitId, WaitSliceOutcome.RepeatedFirstSlice);
        await condition.Acquire(TimeSpan.Zero, _holder, CancellationToken.None);
        Assert.Equal(1, condition.Notify(1, _holder));
        condition.Release(_holder);

        Assert.Equal(WaitSliceOutcome.Notified, await repeated.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WaitSliceOutcome.Notified, await lost.WaitAsync(TimeSpan.FromSeconds(10)));

        // One hold, at depth 1: a second wait would have queued a second reacquire behind it.
        condition.Release(_waiter);
        Assert.False(condition.IsLocked());
        _clock.Advance(s_pastTheResumeWindow);
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, _holder, CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainToAHostThatLostItsMemory_AfterItsReleaseWasStored_ReacquiresTheLock()
    {
        // A restored lock grain: the wait's release was stored (the lock is free); the wait itself was lost.
        using var restored = RestoredLock(owner: 0, grantWait: 0);
        using var condition = new SharedConditionServer(restored, _clock);

        // Not a new wait (that would throw: the caller holds nothing); its reacquire starts again.
        Assert.Equal(WaitSliceOutcome.Notified, await SliceAsync(condition, WaitId, WaitSliceOutcome.RepeatedFirstSlice).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, condition.FencingToken(_waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainToAHostWhoseStoredLockIsStillTheCallers_StartsTheWaitAfresh()
    {
        // The wait's release was never stored: the restored lock is still the caller's.
        using var restored = RestoredLock(owner: _waiter.ConnectionId, grantWait: 0);
        using var condition = new SharedConditionServer(restored, _clock);

        Task<int> repeated = SliceAsync(condition, WaitId, WaitSliceOutcome.RepeatedFirstSlice, TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.FromSeconds(5), _holder, CancellationToken.None));
        Assert.Equal(1, condition.Notify(1, _holder));
        condition.Release(_holder);

        Assert.Equal(WaitSliceOutcome.Notified, await repeated.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(condition.FencingToken(_waiter) > 5);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_LateFirstSliceOfAWaitAlreadyAnswered_LeavesTheLockAlone()
    {
        using var condition = new SharedConditionServer(reentrant: false, _clock);
        await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None);

        // The first slice's answer was lost; its repeat was answered, and the caller holds the lock again.
        Task<int> repeated = SliceAsync(condition, WaitId, WaitSliceOutcome.RepeatedFirstSlice);
        Assert.Equal(WaitSliceOutcome.TimedOut, await AdvanceUntilAsync(repeated));
        long held = condition.FencingToken(_waiter);
        Assert.NotEqual(0, held);

        // The original, held up in the network, arrives now: it must not start a wait nobody knows of (which would
        // release the caller's hold).
        Assert.Equal(WaitSliceOutcome.TimedOut, await SliceAsync(condition, WaitId, resumeDepth: 0).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(held, condition.FencingToken(_waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task Reacquire_GrantedWhenTheHolderReleases_HoldsItsDepthAndWait_InTheSnapshotTakenAtOnce()
    {
        // A cluster's lock grain stores a snapshot after each call: the one after the holder's release must already
        // show the reacquire's grant whole, not a hold of depth 1 naming no wait (its waiter's continuation runs later).
        using var sharedLock = new SharedLockServer(reentrant: true, _clock);
        await sharedLock.Acquire(TimeSpan.Zero, _holder, CancellationToken.None);
        Task<long> reacquire = sharedLock.ReacquireAsync(_waiter, depth: 2, waitId: WaitId, CancellationToken.None).AsTask();

        sharedLock.Release(_holder);
        (long owner, int depth, long token, _, long grantWait) = sharedLock.CaptureImage();

        Assert.Equal((_waiter.ConnectionId, 2, WaitId), (owner, depth, grantWait));
        Assert.Equal(token, await reacquire.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// The waiter holds the lock <paramref name="depth"/> levels deep and waits; the holder takes the lock, notifies it,
    /// and keeps the lock past the slice: the slice ends without the lock, its reacquire parked.
    /// </summary>
    private async Task<SharedConditionServer> ParkedWhileTheHolderHoldsTheLockAsync(int depth = 1)
    {
        var condition = new SharedConditionServer(reentrant: depth > 1, _clock);
        for (int level = 0; level < depth; level++)
        {
            Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, _waiter, CancellationToken.None));
        }

        Task<int> slice = SliceAsync(condition, WaitId, resumeDepth: 0);
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, _holder, CancellationToken.None));
        Assert.Equal(1, condition.Notify(1, _holder));
        Assert.Equal(WaitSliceOutcome.Reacquiring(depth), await AdvanceUntilAsync(slice));
        return condition;
    }

    /// <summary>A lock as a cluster's lock grain restores it from storage (token 5, the last granted), the wait lost.</summary>
    private SharedLockServer RestoredLock(long owner, long grantWait)
    {
        var restored = new SharedLockServer(reentrant: false, _clock);
        restored.RestoreImage(owner, depth: owner == 0 ? 0 : 1, token: owner == 0 ? 0 : 5, lastToken: 5, grantWait, _ => _waiter);
        return restored;
    }

    private Task<int> SliceAsync(SharedConditionServer condition, long waitId, int resumeDepth, TimeSpan? timeout = null)
        => condition.WaitSlice(timeout ?? s_slice, waitId, resumeDepth, _waiter, CancellationToken.None).AsTask();

    // The slice's timers run on the fake clock: move it on in small steps until the slice answers (bounded).
    private async Task<int> AdvanceUntilAsync(Task<int> slice)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!slice.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5, deadline.Token);
        }

        return await slice;
    }
}
