namespace Multiproc.Orleans.Tests.Contract;

/// <summary>
/// The built-ins that wait: queue, lock (plain and reentrant), semaphore, event, condition, barrier. A backend that
/// does not serve them yet skips every one of these tests through <see cref="WaitingBuiltInsSkipReason"/>, and the
/// run reports them as skipped with the reason, never as passed.
/// </summary>
public abstract partial class ManagerContract
{
    /// <summary>Gets why this backend does not serve the waiting built-ins yet, or null when it does (the one switch).</summary>
    protected virtual string? WaitingBuiltInsSkipReason => null;

    [SkippableFact(Timeout = 30_000)]
    public async Task Queue_TakeWaitsForAPutFromAnotherConnection_ItemsComeInOrder()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedQueue<int> queue = await Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedQueue<int> producer = await ShareAsync(queue, other);

        Task<int> taking = queue.TakeAsync(TestTimeout.Token());
        Assert.False(taking.IsCompleted);
        producer.PutMany([1, 2, 3]);

        Assert.Equal(1, await taking.WaitAsync(TestTimeout.Token()));
        Assert.Equal([2, 3], queue.TakeMany(10));
        Assert.False(queue.TryTake(out _, TimeSpan.FromMilliseconds(50)));
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Queue_Bounded_TryPutTimesOutWhenFull_AndCompleteAddingEndsTheConsumer()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedQueue<string> queue = await Manager.CreateQueueAsync<string>(capacity: 1, TestTimeout.Token());

        queue.Put("a");
        Assert.False(queue.TryPut("b", TimeSpan.FromMilliseconds(50)));
        queue.CompleteAdding();

        Assert.Equal(["a"], queue.GetConsumingEnumerable(TestTimeout.Token()).ToArray());
        Assert.True(queue.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => queue.Put("c"));
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Lock_HeldByAnotherConnection_WaitsUntilReleased()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedLock held = await Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedLock contender = await ShareAsync(held, other);

        held.Acquire();
        Assert.True(contender.IsLocked);
        Assert.False(await contender.TryAcquireAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Task<long> waiting = contender.AcquireAsync(TestTimeout.Token());

        await held.ReleaseAsync(TestTimeout.Token());
        await waiting.WaitAsync(TestTimeout.Token());
        Assert.False(held.TryAcquire(TimeSpan.Zero));
        Assert.Throws<SynchronizationLockException>(() => held.Release());
        contender.Release();
        Assert.False(held.IsLocked);
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Lock_Reentrant_CountsLevelsOfItsOwner()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedLock reentrant = await Manager.CreateLockAsync(reentrant: true, TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedLock contender = await ShareAsync(reentrant, other);

        reentrant.Acquire();
        Assert.True(reentrant.TryAcquire(TimeSpan.Zero));
        reentrant.Release();
        Assert.False(contender.TryAcquire(TimeSpan.Zero));
        reentrant.Release();

        Assert.True(contender.TryAcquire(TimeSpan.Zero));
        contender.Release();
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Semaphore_PermitsAreCounted_AcrossConnections()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedSemaphore semaphore = await Manager.CreateSemaphoreAsync(2, cancellationToken: TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedSemaphore elsewhere = await ShareAsync(semaphore, other);

        semaphore.Acquire();
        await elsewhere.AcquireAsync(TestTimeout.Token());
        Assert.Equal(0, semaphore.CurrentCount);
        Assert.False(await elsewhere.TryAcquireAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Task waiting = elsewhere.AcquireAsync(TestTimeout.Token());

        Assert.Equal(0, semaphore.Release());
        await waiting.WaitAsync(TestTimeout.Token());
        Assert.Equal(0, semaphore.CurrentCount);
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Event_WaitCompletesWhenSetFromAnotherConnection_AndClearResetsIt()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedEvent signal = await Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedEvent setter = await ShareAsync(signal, other);

        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(50)));
        Task waiting = signal.WaitAsync(TestTimeout.Token());
        setter.Set();

        await waiting.WaitAsync(TestTimeout.Token());
        Assert.True(signal.IsSet);
        signal.Clear();
        Assert.False(setter.IsSet);
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Condition_NotifyWakesAWaiterOnAnotherConnection_WhichHoldsTheLockAgain()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedLock lk = await Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        ISharedCondition condition = await Manager.CreateConditionAsync(lk, TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedCondition waiter = await ShareAsync(condition, other);

        waiter.Acquire();
        Task<bool> waiting = waiter.WaitAsync(TimeSpan.FromSeconds(15), TestTimeout.Token());
        // The wait released the lock, so this acquire proves the waiter is queued.
        await lk.AcquireAsync(TestTimeout.Token());
        Assert.Equal(1, condition.Notify());
        lk.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.False(lk.TryAcquire(TimeSpan.Zero));
        waiter.Release();
        Assert.False(lk.IsLocked);
    }

    [SkippableFact(Timeout = 30_000)]
    public async Task Barrier_TwoConnections_AreReleasedTogetherWithThePhase()
    {
        SkipUnlessWaitingBuiltInsAreServed();
        ISharedBarrier barrier = await Manager.CreateBarrierAsync(2, TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        ISharedBarrier partner = await ShareAsync(barrier, other);

        for (long phase = 0; phase < 2; phase++)
        {
            Task<long> first = barrier.SignalAndWaitAsync(TestTimeout.Token());
            Assert.False(first.IsCompleted);
            long second = await partner.SignalAndWaitAsync(TestTimeout.Token());
            Assert.Equal([phase, phase], [await first.WaitAsync(TestTimeout.Token()), second]);
        }

        Assert.Equal(2, barrier.CurrentPhaseNumber);
        Assert.False(barrier.IsBroken);
    }

    private void SkipUnlessWaitingBuiltInsAreServed()
        => Skip.If(WaitingBuiltInsSkipReason is not null, WaitingBuiltInsSkipReason);

    /// <summary>Gives <paramref name="other"/> its own proxy to <paramref name="proxy"/> through a name, as another process gets one.</summary>
    private async Task<T> ShareAsync<T>(T proxy, Manager other)
        where T : class
    {
        string name = UniqueName(typeof(T).Name);
        await Manager.PublishAsync(name, proxy, TestTimeout.Token());
        T shared = await other.LookupAsync<T>(name, TestTimeout.Token());
        await Manager.UnpublishAsync(name, TestTimeout.Token());
        return shared;
    }
}
