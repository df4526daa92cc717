namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>Shared events, conditions and barriers on a cluster.</summary>
[Collection(WaitingCluster.Name)]
public sealed class SynchronizationOnClusterTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 60_000)]
    public async Task Event_SetWakesAWaiter_ClearResets()
    {
        ISharedEvent signal = await cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());

        Assert.False(signal.Wait(TimeSpan.Zero));
        Task<bool> waiting = signal.WaitAsync(TimeSpan.FromSeconds(20), TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(signal, 1, TestTimeout.Token());
        signal.Set();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.True(signal.IsSet);
        signal.Clear();
        Assert.False(signal.IsSet);
        Assert.Throws<ArgumentOutOfRangeException>(() => signal.Wait(TimeSpan.FromSeconds(-1)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Event_WaitCancelled_LeavesNoWaiter()
    {
        ISharedEvent signal = await cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());
        using var cancel = new CancellationTokenSource();

        Task waiting = signal.WaitAsync(cancel.Token);
        await cluster.WaitForCallsInProgressAsync(signal, 1, TestTimeout.Token());
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeout.Token()));
        await cluster.WaitForCallsInProgressAsync(signal, 0, TestTimeout.Token());
    }

    [Fact(Timeout = 60_000)]
    public async Task Condition_OwnLock_NotifyWakesAWaiterOfAnotherClient_WhichHoldsTheLockAgain()
    {
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedCondition seen = await cluster.LookUpAsync<ISharedCondition>(other, condition);

        await seen.AcquireAsync(TestTimeout.Token());
        Task<bool> waiting = seen.WaitAsync(TimeSpan.FromSeconds(20), TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(condition, 1, TestTimeout.Token());

        // The wait released the lock: this client can take it and notify.
        condition.Acquire();
        Assert.Equal(1, condition.Notify());
        condition.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.False(condition.TryAcquire(TimeSpan.Zero));
        seen.Release();
    }

    [Fact(Timeout = 90_000)]
    public async Task Condition_LockHeldByAnotherClientPastTheResponseTimeout_WaitReturnsHoldingTheLock()
    {
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedCondition seen = await cluster.LookUpAsync<ISharedCondition>(other, condition);

        // The waiter is the test's client, whose calls time out after WaitingClusterFixture.ResponseTimeout.
        await condition.AcquireAsync(TestTimeout.Token());
        Task<bool> waiting = condition.WaitAsync(TimeSpan.FromSeconds(60), TestTimeout.Token(80));
        await cluster.WaitForCallsInProgressAsync(condition, 1, TestTimeout.Token());
        seen.Acquire();
        Assert.Equal(1, seen.Notify());

        // Notified, the waiter must get the lock back before its wait returns; the other client keeps the lock for
        // longer than one grain call may last, so the reacquire outlasts a call (it used to fail the wait as
        // unavailable while the grain later gave the lock to the waiter's session).
        TimeSpan held = WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(4);
        await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(held));
        seen.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token(30)));
        Assert.False(seen.TryAcquire(TimeSpan.Zero));
        condition.Release();
        Assert.True(seen.TryAcquire(TimeSpan.Zero));
        seen.Release();
        await cluster.WaitForCallsInProgressAsync(condition, 0, TestTimeout.Token());
    }

    [Fact(Timeout = 90_000)]
    public async Task Condition_WaitCancelledWhileAnotherClientHoldsTheLock_ThrowsOnlyOnceItHoldsTheLockAgain()
    {
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedCondition seen = await cluster.LookUpAsync<ISharedCondition>(other, condition);

        await condition.AcquireAsync(TestTimeout.Token());
        using var cancel = new CancellationTokenSource();
        Task<bool> waiting = condition.WaitAsync(TimeSpan.FromSeconds(60), cancel.Token);
        await cluster.WaitForCallsInProgressAsync(condition, 1, TestTimeout.Token());
        seen.Acquire();
        await cancel.CancelAsync();

        // As on a manager, a cancelled wait gets the lock back before it throws: not while the other client holds it
        // (it used to throw at once, and the grain later gave the lock to the waiter's session behind its back).
        TimeSpan window = (2 * WaitingClusterFixture.ResponseTimeout / 3) + TimeSpan.FromSeconds(1);
        await Assert.ThrowsAsync<TimeoutException>(() => waiting.WaitAsync(window));
        seen.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeout.Token(30)));
        Assert.False(seen.TryAcquire(TimeSpan.Zero));
        condition.Release();
        Assert.True(seen.TryAcquire(TimeSpan.Zero));
        seen.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task Condition_OverASharedLock_WaitsOnThatLock_AcrossSlices()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(shared, TestTimeout.Token());

        condition.Acquire();
        Assert.True(shared.IsLocked);
        // Longer than one call may last: the wait is sliced, holding the lock between slices.
        Assert.False(await condition.WaitAsync(WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(1), TestTimeout.Token()));
        Assert.True(shared.IsLocked);
        // The condition's lock is the shared lock itself.
        shared.Release();
        Assert.False(condition.IsLocked);
    }

    [Fact(Timeout = 60_000)]
    public async Task Condition_OverASharedLock_NotifiedByAnotherClientThatTookTheLockDirectly()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(shared, TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock otherLock = await cluster.LookUpAsync<ISharedLock>(other, shared);
        ISharedCondition otherCondition = await cluster.LookUpAsync<ISharedCondition>(other, condition);

        await condition.AcquireAsync(TestTimeout.Token());
        Task<bool> waiting = condition.WaitAsync(TimeSpan.FromSeconds(20), TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(shared, 1, TestTimeout.Token());

        // The wait released the shared lock itself: the other client takes it through the lock's own proxy.
        await otherLock.AcquireAsync(TestTimeout.Token());
        Assert.Equal(1, otherCondition.Notify());
        otherLock.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.False(otherLock.TryAcquire(TimeSpan.Zero));
        shared.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task Condition_WaitWithoutTheLock_ThrowsSynchronizationLockException()
    {
        ISharedCondition condition = await cluster.Manager.CreateConditionAsync(cancellationToken: TestTimeout.Token());

        await Assert.ThrowsAsync<SynchronizationLockException>(() => condition.WaitAsync(TimeSpan.FromSeconds(1), TestTimeout.Token()));
    }

    [Fact(Timeout = 60_000)]
    public async Task Barrier_ReleasesEveryPartyOfAPhase_AcrossClients_AndWaitsLongerThanOneSlice()
    {
        ISharedBarrier barrier = await cluster.Manager.CreateBarrierAsync(2, TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedBarrier seen = await cluster.LookUpAsync<ISharedBarrier>(other, barrier);
        ISharedEvent never = await cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());

        Task<long> first = barrier.SignalAndWaitAsync(TestTimeout.Token(40));
        await cluster.WaitForCallsInProgressAsync(barrier, 1, TestTimeout.Token());
        Assert.False(await never.WaitAsync(WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(1), TestTimeout.Token()));
        long phase = seen.SignalAndWait();

        Assert.Equal(phase, await first.WaitAsync(TestTimeout.Token()));
        Assert.Equal(phase + 1, barrier.CurrentPhaseNumber);
        Assert.False(barrier.SignalAndWait(TimeSpan.Zero));
    }
}
