using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class SemaphoreTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task AcquireAndRelease_CountPermits_UpToTheMaximum()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(2, maxCount: 3);
        semaphore.Acquire();
        await semaphore.AcquireAsync(TestTimeout.Token());
        Assert.Equal(0, semaphore.CurrentCount);
        Assert.False(semaphore.TryAcquire(TimeSpan.Zero));
        Assert.False(await semaphore.TryAcquireAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));

        Assert.Equal(0, semaphore.Release());
        Assert.Equal(1, await semaphore.ReleaseAsync(2, TestTimeout.Token()));
        Assert.Throws<SemaphoreFullException>(() => semaphore.Release());
        Assert.Equal(3, semaphore.CurrentCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => semaphore.Release(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateSemaphoreAsync(4, maxCount: 3));
    }

    [Fact(Timeout = 20_000)]
    public async Task Release_WakesAWaiterOnAnotherConnection()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(0);
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedSemaphore otherSemaphore = await other.GetAsync(semaphore);
        Task waiting = otherSemaphore.AcquireAsync(TestTimeout.Token());

        semaphore.Release();

        await waiting.WaitAsync(TestTimeout.Token());
        Assert.Equal(0, semaphore.CurrentCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task PermitsOfADeadConnection_Return_AndWaitersProceed()
    {
        // Returning a dead holder's permits is the Owned kind's promise (F6); Counting keeps them consumed.
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(3, maxCount: 3, SemaphoreKind.Owned);
        OtherProcess holder = await OtherProcess.ConnectAsync(_manager);
        ISharedSemaphore holderSemaphore = await holder.GetAsync(semaphore);
        holderSemaphore.Acquire();
        holderSemaphore.Acquire();
        holderSemaphore.Acquire();
        holderSemaphore.Release();
        holderSemaphore.Acquire();
        Assert.Equal(0, semaphore.CurrentCount);
        Task waiting = semaphore.AcquireAsync(TestTimeout.Token());

        await holder.DieAsync();

        await waiting.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(2, semaphore.CurrentCount);
    }

    [Fact(Timeout = 20_000)]
    public async Task LockScope_ReturnsThePermit()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(1);
        using (semaphore.Lock())
        {
            Assert.Equal(0, semaphore.CurrentCount);
        }

        await using (await semaphore.LockAsync(TestTimeout.Token()))
        {
            Assert.Equal(0, semaphore.CurrentCount);
        }

        Assert.Equal(1, semaphore.CurrentCount);
    }
}
