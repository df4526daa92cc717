using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class LockTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Acquire_HeldByAnotherConnection_WaitsUntilReleased()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedLock otherLock = await other.GetAsync(lk);

        lk.Acquire();
        Assert.True(otherLock.IsLocked);
        Assert.False(otherLock.TryAcquire(TimeSpan.Zero));
        Assert.False(await otherLock.TryAcquireAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Task waiting = otherLock.AcquireAsync(TestTimeout.Token());

        await lk.ReleaseAsync(TestTimeout.Token());
        await waiting.WaitAsync(TestTimeout.Token());
        Assert.False(lk.TryAcquire(TimeSpan.Zero));
        otherLock.Release();
        Assert.False(lk.IsLocked);
    }

    [Fact(Timeout = 30_000)]
    public async Task Lock_ThreeConnectionsIncrementing_NoUpdateIsLost()
    {
        const int Increments = 150;
        ISharedLock lk = await _manager.CreateLockAsync();
        ISharedList<int> counter = await _manager.CreateListAsync<int>([0]);
        OtherProcess[] others = [await OtherProcess.ConnectAsync(_manager), await OtherProcess.ConnectAsync(_manager), await OtherProcess.ConnectAsync(_manager)];
        try
        {
            Task[] workers = new Task[others.Length];
            for (int w = 0; w < others.Length; w++)
            {
                ISharedLock workerLock = await others[w].GetAsync(lk);
                ISharedList<int> workerCounter = await others[w].GetAsync(counter);
                workers[w] = Task.Run(async () =>
                {
                    for (int i = 0; i < Increments; i++)
                    {
                        await using (await workerLock.LockAsync(TestTimeout.Token()))
                        {
                            workerCounter[0] = workerCounter[0] + 1;
                        }
                    }
                });
            }

            await Task.WhenAll(workers).WaitAsync(TestTimeout.Token(25));
            Assert.Equal(Increments * others.Length, counter[0]);
            Assert.False(lk.IsLocked);
        }
        finally
        {
            foreach (OtherProcess other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Release_NotOwnedByTheCaller_ThrowsSynchronizationLockException()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        Assert.Throws<SynchronizationLockException>(() => lk.Release());

        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedLock otherLock = await other.GetAsync(lk);
        otherLock.Acquire();
        Assert.Throws<SynchronizationLockException>(() => lk.Release());
        await Assert.ThrowsAsync<SynchronizationLockException>(() => lk.ReleaseAsync(TestTimeout.Token()));
        Assert.True(lk.IsLocked);
        otherLock.Release();
    }

    [Fact(Timeout = 20_000)]
    public async Task Owner_ConnectionDies_WaiterOnAnotherConnectionAcquiresWithin2s()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        OtherProcess owner = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess waiter = await OtherProcess.ConnectAsync(_manager);
        ISharedLock ownerLock = await owner.GetAsync(lk);
        ISharedLock waiterLock = await waiter.GetAsync(lk);
        await ownerLock.AcquireAsync(TestTimeout.Token());
        Task acquired = waiterLock.AcquireAsync(TestTimeout.Token());

        Task died = owner.DieAsync();

        await acquired.WaitAsync(TimeSpan.FromSeconds(2));
        await died;
        Assert.False(lk.TryAcquire(TimeSpan.Zero));
        waiterLock.Release();
        Assert.True(lk.TryAcquire(TimeSpan.Zero));
        lk.Release();
    }

    [Fact(Timeout = 20_000)]
    public async Task Reentrant_SameConnection_CountsLevels()
    {
        ISharedLock reentrant = await _manager.CreateLockAsync(reentrant: true);
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedLock otherLock = await other.GetAsync(reentrant);

        reentrant.Acquire();
        Assert.True(reentrant.TryAcquire(TimeSpan.Zero));
        reentrant.Release();
        Assert.False(otherLock.TryAcquire(TimeSpan.Zero));
        reentrant.Release();
        Assert.True(otherLock.TryAcquire(TimeSpan.Zero));
        otherLock.Release();

        ISharedLock plain = await _manager.CreateLockAsync();
        plain.Acquire();
        Assert.False(plain.TryAcquire(TimeSpan.Zero));
        plain.Release();
        Assert.Throws<SynchronizationLockException>(() => plain.Release());
    }

    [Fact(Timeout = 20_000)]
    public async Task LockScope_Disposed_ReleasesOnce()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        SharedLockScope scope = lk.Lock();
        Assert.True(lk.IsLocked);
        scope.Dispose();
        scope.Dispose();
        Assert.False(lk.IsLocked);

        await using (await lk.LockAsync(TestTimeout.Token()))
        {
            Assert.True(lk.IsLocked);
        }

        Assert.False(lk.IsLocked);
    }

    [Fact(Timeout = 20_000)]
    public async Task AcquireAsync_CancelledWhileTheLockIsHandedOver_NeverLeaksIt()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedLock otherLock = await other.GetAsync(lk);
        for (int i = 0; i < 100; i++)
        {
            otherLock.Acquire();
            using var cts = new CancellationTokenSource();
            Task acquire = lk.AcquireAsync(cts.Token);
            Task release = i % 2 == 0 ? otherLock.ReleaseAsync(TestTimeout.Token()) : cts.CancelAsync();
            Task second = i % 2 == 0 ? cts.CancelAsync() : otherLock.ReleaseAsync(TestTimeout.Token());
            await Task.WhenAll(release, second).WaitAsync(TestTimeout.Token());
            try
            {
                await acquire.WaitAsync(TestTimeout.Token());
                lk.Release();
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cts.Token)
            {
                // Cancelled before the grant: the lock must be free.
            }

            Assert.False(lk.IsLocked, $"round {i} leaked the lock");
        }
    }
}
