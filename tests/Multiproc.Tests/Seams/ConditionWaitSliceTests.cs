using Microsoft.Extensions.Time.Testing;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Tests.Seams;

/// <summary>The sliced condition wait on the server class, on a fake clock: a reacquire nobody resumes is withdrawn.</summary>
public sealed class ConditionWaitSliceTests
{
    private const long WaitId = 7;
    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ReacquireNotResumedWithinTheWindow_IsWithdrawn_TheLockIsNeverHandedToTheCallerThatGaveUp()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None));

        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 0, waiter, CancellationToken.None).AsTask();
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None));
        Assert.Equal(1, condition.Notify(1, holder));

        // The holder keeps the lock past the slice: the slice ends without it, its reacquire parked.
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        // Nobody resumes it (the caller gave up): past the resume window it is withdrawn.
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        condition.Release(holder);

        Assert.False(condition.IsLocked());
        Assert.Equal(0, condition.FencingToken(waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_Resumed_ReturnsNotifiedOnceTheLockIsBack()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);

        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 0, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        condition.Notify(1, holder);
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        Task<int> resumed = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 1, waiter, CancellationToken.None).AsTask();
        condition.Release(holder);

        Assert.Equal(WaitSliceOutcome.Notified, await resumed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(0, condition.FencingToken(waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_TwoWaitsOfOneConnectionParkedAtOnce_EachResumesItsOwn_AndTheLockEndsFree()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);

        // Two threads of one process (one connection) wait, one after the other, each holding the lock to start.
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Task<int> first = condition.WaitSlice(TimeSpan.FromSeconds(1), 1, 0, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Task<int> second = condition.WaitSlice(TimeSpan.FromSeconds(1), 2, 0, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        Assert.Equal(2, condition.NotifyAll(holder));
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, first, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, second, TimeSpan.FromMilliseconds(100)));

        // Both resume: the first to get the lock returns; the other gets it once the first thread releases it.
        Task<int> firstResumed = condition.WaitSlice(TimeSpan.FromSeconds(5), 1, 1, waiter, CancellationToken.None).AsTask();
        Task<int> secondResumed = condition.WaitSlice(TimeSpan.FromSeconds(5), 2, 1, waiter, CancellationToken.None).AsTask();
        condition.Release(holder);
        Task<int> done = await Task.WhenAny(firstResumed, secondResumed).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WaitSliceOutcome.Notified, await done);
        condition.Release(waiter);
        Task<int> other = done == firstResumed ? secondResumed : firstResumed;
        Assert.Equal(WaitSliceOutcome.Notified, await other.WaitAsync(TimeSpan.FromSeconds(10)));
        condition.Release(waiter);

        // Nothing is left parked to take the lock later.
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        Assert.False(condition.IsLocked());
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ResumeLaterThanTheWindow_StartsTheReacquireAgain_NotANewWait()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: true, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 0, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        condition.Notify(1, holder);
        Assert.Equal(WaitSliceOutcome.Reacquiring(2), await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        // The caller is late: the reacquire is withdrawn, and the lock, once free, is not handed to it.
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        condition.Release(holder);
        Assert.False(condition.IsLocked());

        // Its resume still ends holding the lock, at the depth it had (a new wait would throw: it holds nothing).
        Assert.Equal(WaitSliceOutcome.Notified, await condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 2, waiter, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        condition.Release(waiter);
        Assert.True(condition.IsLocked());
        condition.Release(waiter);
        Assert.False(condition.IsLocked());
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_WithdrawnAfterItsGrantWasPassedOn_KeepsTheHoldTheConnectionTookSince()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 0, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        condition.Notify(1, holder);
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        // The parked reacquire gets the lock; another thread of the waiter's process releases it and acquires anew.
        condition.Release(holder);
        long granted = condition.FencingToken(waiter);
        Assert.NotEqual(0, granted);
        condition.Release(waiter);
        long own = await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Assert.NotEqual(granted, own);

        // Nobody resumes the wait: its withdrawal passes on its own grant only, which is gone already.
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(own, condition.FencingToken(waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ResumeToAHostThatLostItsMemory_WhoseLockHoldsTheWaitsGrant_ReturnsHoldingIt()
    {
        // A cluster's lock grain restored from storage: the stored hold is the grant this wait's reacquire got.
        var clock = new FakeTimeProvider();
        var waiter = new Caller(1, CancellationToken.None);
        using var restored = new SharedLockServer(reentrant: false, clock);
        restored.RestoreImage(owner: 1, depth: 1, token: 5, lastToken: 5, grantWait: WaitId, _ => waiter);
        using var condition = new SharedConditionServer(restored, clock);

        Assert.Equal(WaitSliceOutcome.Notified, await condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 1, waiter, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, condition.FencingToken(waiter));

        // Another wait of the same connection holding the lock by an ordinary acquire would not: it reacquires anew.
        Task<int> other = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId + 1, 1, waiter, CancellationToken.None).AsTask();
        Assert.Equal(WaitSliceOutcome.Reacquiring(1), await AdvanceUntilAsync(clock, other, TimeSpan.FromMilliseconds(100)));
        condition.Release(waiter);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainWhileItsWaitIsKnown_AttendsToThatWait_NeverStartsASecond()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);
        Task<int> lost = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, 0, waiter, CancellationToken.None).AsTask();

        // The first slice's answer is lost to its caller, which sends it again while the wait goes on.
        Task<int> repeated = condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, WaitSliceOutcome.RepeatedFirstSlice, waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        Assert.Equal(1, condition.Notify(1, holder));
        condition.Release(holder);

        Assert.Equal(WaitSliceOutcome.Notified, await repeated.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(WaitSliceOutcome.Notified, await lost.WaitAsync(TimeSpan.FromSeconds(10)));

        // One hold, at depth 1: a second wait would have queued a second reacquire behind it.
        condition.Release(waiter);
        Assert.False(condition.IsLocked());
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainToAHostThatLostItsMemory_AfterItsReleaseWasStored_ReacquiresTheLock()
    {
        // A restored lock grain: the wait's release was stored (the lock is free); the wait itself was lost.
        var clock = new FakeTimeProvider();
        var waiter = new Caller(1, CancellationToken.None);
        using var restored = new SharedLockServer(reentrant: false, clock);
        restored.RestoreImage(owner: 0, depth: 0, token: 0, lastToken: 5, grantWait: 0, _ => waiter);
        using var condition = new SharedConditionServer(restored, clock);

        // Not a new wait (that would throw: the caller holds nothing); its reacquire starts again.
        Assert.Equal(WaitSliceOutcome.Notified, await condition.WaitSlice(TimeSpan.FromSeconds(1), WaitId, WaitSliceOutcome.RepeatedFirstSlice, waiter, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(6, condition.FencingToken(waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_FirstSliceSentAgainToAHostWhoseStoredLockIsStillTheCallers_StartsTheWaitAfresh()
    {
        // The wait's release was never stored: the restored lock is still the caller's.
        var clock = new FakeTimeProvider();
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        using var restored = new SharedLockServer(reentrant: false, clock);
        restored.RestoreImage(owner: 1, depth: 1, token: 5, lastToken: 5, grantWait: 0, _ => waiter);
        using var condition = new SharedConditionServer(restored, clock);

        Task<int> repeated = condition.WaitSlice(TimeSpan.FromSeconds(30), WaitId, WaitSliceOutcome.RepeatedFirstSlice, waiter, CancellationToken.None).AsTask();
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.FromSeconds(5), holder, CancellationToken.None));
        Assert.Equal(1, condition.Notify(1, holder));
        condition.Release(holder);

        Assert.Equal(WaitSliceOutcome.Notified, await repeated.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(condition.FencingToken(waiter) > 5);
    }

    // The slice's timers run on the fake clock: move it on in small steps until the slice answers (bounded).
    private static async Task<int> AdvanceUntilAsync(FakeTimeProvider clock, Task<int> slice, TimeSpan step)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!slice.IsCompleted)
        {
            clock.Advance(step);
            await Task.Delay(5, deadline.Token);
        }

        return await slice;
    }
}
