using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class ConditionTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Notify_WakesAWaiterOnAnotherConnection_WhichHoldsThePassedLockAgain()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        ISharedCondition condition = await _manager.CreateConditionAsync(lk);
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedCondition otherCondition = await other.GetAsync(condition);

        otherCondition.Acquire();
        Assert.True(lk.IsLocked);
        Task<bool> waiting = otherCondition.WaitAsync(TimeSpan.FromSeconds(15), TestTimeout.Token());

        // The wait released the lock, so this acquire proves the waiter is queued.
        await lk.AcquireAsync(TestTimeout.Token());
        Assert.Equal(1, condition.Notify());
        Assert.False(waiting.IsCompleted);
        lk.Release();

        Assert.True(await waiting.WaitAsync(TestTimeout.Token()));
        Assert.False(lk.TryAcquire(TimeSpan.Zero));
        otherCondition.Release();
        Assert.False(lk.IsLocked);
    }

    [Fact(Timeout = 20_000)]
    public async Task PassedLock_IsKeptAliveByTheCondition_AndReleasedWithIt()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        ISharedCondition condition = await _manager.CreateConditionAsync(lk);
        lk.Dispose();

        condition.Acquire();
        Assert.True(condition.IsLocked);
        condition.Release();
        Assert.Equal(2, (await _manager.GetStatsAsync()).ObjectCount);

        condition.Dispose();
        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ObjectCount == 0);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitOrNotify_WithoutTheLock_ThrowsSynchronizationLockException()
    {
        ISharedCondition condition = await _manager.CreateConditionAsync();
        Assert.Throws<SynchronizationLockException>(() => condition.Wait(TimeSpan.Zero));
        await Assert.ThrowsAsync<SynchronizationLockException>(() => condition.WaitAsync(TestTimeout.Token()));
        Assert.Throws<SynchronizationLockException>(() => condition.Notify());
        Assert.Throws<SynchronizationLockException>(() => condition.NotifyAll());
    }

    [Fact(Timeout = 20_000)]
    public async Task Wait_Timeout_ReturnsFalse_HoldingTheLockAgain()
    {
        ISharedCondition condition = await _manager.CreateConditionAsync();
        using (condition.Lock())
        {
            Assert.False(condition.Wait(TimeSpan.FromMilliseconds(50)));
            Assert.True(condition.IsLocked);
            Assert.False(await condition.WaitAsync(TimeSpan.Zero, TestTimeout.Token()));
            Assert.Equal(0, condition.NotifyAll());
        }

        Assert.False(condition.IsLocked);
    }

    [Fact(Timeout = 20_000)]
    public async Task NotifyAll_WakesEveryWaiter_OneAtATimeUnderTheLock()
    {
        ISharedCondition condition = await _manager.CreateConditionAsync();
        await using OtherProcess first = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess second = await OtherProcess.ConnectAsync(_manager);
        Task firstWait = WaitOnceAsync(await first.GetAsync(condition));
        Task secondWait = WaitOnceAsync(await second.GetAsync(condition));

        int woken = 0;
        await TestTimeout.UntilAsync(async () =>
        {
            await using (await condition.LockAsync(TestTimeout.Token()))
            {
                woken += condition.NotifyAll();
            }

            return woken == 2;
        });

        await Task.WhenAll(firstWait, secondWait).WaitAsync(TestTimeout.Token());
        Assert.False(condition.IsLocked);
    }

    private static async Task WaitOnceAsync(ISharedCondition condition)
    {
        await using (await condition.LockAsync(TestTimeout.Token()))
        {
            await condition.WaitAsync(TestTimeout.Token());
        }
    }
}
