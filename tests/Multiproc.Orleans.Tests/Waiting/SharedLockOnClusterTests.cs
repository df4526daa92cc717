namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>Shared locks and semaphores on a cluster: owned by a client's session, exclusive across clients, reentrant when asked.</summary>
[Collection(WaitingCluster.Name)]
public sealed class SharedLockOnClusterTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 60_000)]
    public async Task Lock_HeldByOneClient_ExcludesAnother_UntilReleased()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock seen = await LookUpAsync<ISharedLock>(other, shared);

        long token = shared.Acquire();
        Assert.True(seen.IsLocked);
        Assert.False(seen.TryAcquire(TimeSpan.Zero));
        Assert.Equal(token, shared.FencingToken);
        Assert.Equal(0, seen.FencingToken);

        Task<long> waiting = seen.AcquireAsync(TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(shared, 1, TestTimeout.Token());
        Assert.False(waiting.IsCompleted);
        shared.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()) > token);
        Assert.False(shared.TryAcquire(TimeSpan.Zero));
        await seen.ReleaseAsync(TestTimeout.Token());
        Assert.False(shared.IsLocked);
    }

    [Fact(Timeout = 60_000)]
    public async Task Lock_AcquireLongerThanOneSlice_TimesOutWithFalse_AndLeavesNoWaiter()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock seen = await LookUpAsync<ISharedLock>(other, shared);
        shared.Acquire();

        Assert.False(await seen.TryAcquireAsync(WaitingClusterFixture.ResponseTimeout + TimeSpan.FromSeconds(1), TestTimeout.Token()));
        await cluster.WaitForCallsInProgressAsync(shared, 0, TestTimeout.Token());
        shared.Release();
        Assert.True(seen.TryAcquire(TimeSpan.Zero));
        seen.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task Lock_Reentrant_CountsLevelsPerSession_PlainDoesNot()
    {
        ISharedLock reentrant = await cluster.Manager.CreateLockAsync(reentrant: true, TestTimeout.Token());
        ISharedLock plain = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());

        long first = reentrant.Acquire();
        Assert.Equal(first, reentrant.Acquire());
        reentrant.Release();
        Assert.True(reentrant.IsLocked);
        reentrant.Release();
        Assert.False(reentrant.IsLocked);

        plain.Acquire();
        Assert.False(plain.TryAcquire(TimeSpan.Zero));
        plain.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task BadInput_ReleaseOfAnUnheldLock_ThrowsSynchronizationLockException_AsAManagerDoes()
    {
        ISharedLock shared = await cluster.Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock seen = await LookUpAsync<ISharedLock>(other, shared);

        Assert.Throws<SynchronizationLockException>(shared.Release);
        shared.Acquire();
        await Assert.ThrowsAsync<SynchronizationLockException>(() => seen.ReleaseAsync(TestTimeout.Token()));
        Assert.Throws<ArgumentOutOfRangeException>(() => seen.TryAcquire(TimeSpan.FromMilliseconds(-5)));
        shared.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task PythonLock_HasNoOwner_AnotherClientReleasesIt()
    {
        ISharedLock shared = await cluster.Manager.CreatePythonLockAsync(TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedLock seen = await LookUpAsync<ISharedLock>(other, shared);

        shared.Acquire();
        seen.Release();

        Assert.False(shared.IsLocked);
    }

    [Fact(Timeout = 60_000)]
    public async Task Semaphore_CountsPermits_AndAWaiterGetsAReleasedOne()
    {
        ISharedSemaphore permits = await cluster.Manager.CreateSemaphoreAsync(2, cancellationToken: TestTimeout.Token());

        permits.Acquire();
        await permits.AcquireAsync(TestTimeout.Token());
        Assert.Equal(0, permits.CurrentCount);
        Assert.False(permits.TryAcquire(TimeSpan.Zero));

        Task<bool> waiting = permits.TryAcquireAsync(TimeSpan.FromSeconds(20), TestTimeout.Token());
        await cluster.WaitForCallsInProgressAsync(permits, 1, TestTimeout.Token());
        Assert.Equal(0, permits.Release());

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.Equal(0, permits.CurrentCount);
        Assert.Equal(0, permits.Release(2));
        Assert.Equal(2, permits.CurrentCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task OwnedSemaphore_ReleaseBeyondWhatTheSessionHolds_IsRefused()
    {
        ISharedSemaphore permits = await cluster.Manager.CreateSemaphoreAsync(1, 1, SemaphoreKind.Owned, TestTimeout.Token());
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        ISharedSemaphore seen = await LookUpAsync<ISharedSemaphore>(other, permits);

        permits.Acquire();
        Assert.Throws<SynchronizationLockException>(() => seen.Release());
        permits.Release();
        Assert.True(seen.TryAcquire(TimeSpan.Zero));
    }

    /// <summary>The same object through another client's manager (by a published name).</summary>
    private async Task<T> LookUpAsync<T>(Manager other, object proxy)
        where T : class
        => await cluster.LookUpAsync<T>(other, proxy);
}
