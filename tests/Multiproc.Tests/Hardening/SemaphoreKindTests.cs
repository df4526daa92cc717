using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F6: a counting semaphore's consumed signals came back when the consumer disconnected (phantom
/// permits). Counting now keeps them consumed; Owned returns a dead holder's permits.
/// </summary>
[Trait("Kind", "Process")]
public sealed class SemaphoreKindTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    // F6 repro: 5 signals released by a producer, consumed by a consumer that disposes cleanly.
    [Fact(Timeout = 20_000)]
    public async Task Counting_ConsumerExitsCleanly_ConsumedSignalsStayConsumed()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(0, 100);
        await using OtherProcess producer = await OtherProcess.ConnectAsync(_manager);
        OtherProcess consumer = await OtherProcess.ConnectAsync(_manager);
        ISharedSemaphore producerSemaphore = await producer.GetAsync(semaphore);
        ISharedSemaphore consumerSemaphore = await consumer.GetAsync(semaphore);
        for (int i = 0; i < 5; i++)
        {
            producerSemaphore.Release();
        }

        Assert.Equal(5, semaphore.CurrentCount);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(await consumerSemaphore.TryAcquireAsync(TimeSpan.Zero, TestTimeout.Token()));
        }

        await consumer.DieAsync();

        // The old code gave the permits back on the pool shortly after the close (the review saw them
        // after 300 ms); a bounded wait for one catches that, and can never be granted by the new code.
        Assert.False(await producerSemaphore.TryAcquireAsync(TimeSpan.FromMilliseconds(500), TestTimeout.Token()));
        Assert.Equal(0, semaphore.CurrentCount);
    }

    [Fact(Timeout = 40_000)]
    public async Task Counting_HolderSigkilled_ItsPermitsStayConsumed()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(3, 3);
        await _manager.PublishAsync("counting", semaphore, TestTimeout.Token());
        using PeerProcess holder = PeerProcess.Start("sem-hold", _manager.Address, Convert.ToHexString(_manager.AuthKey.Span), "counting", "2");
        Assert.Equal("held", await holder.ReadLineAsync(TestTimeout.Token(30)));
        Assert.Equal(1, semaphore.CurrentCount);

        holder.Kill();

        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ConnectionCount == 1, because: "the manager did not see the holder die");
        Assert.True(semaphore.TryAcquire(TimeSpan.Zero));
        Assert.False(semaphore.TryAcquire(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(0, semaphore.CurrentCount);
    }

    [Fact(Timeout = 40_000)]
    public async Task Owned_HolderSigkilled_ItsPermitsComeBack_AndAWaiterProceeds()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(2, 2, SemaphoreKind.Owned);
        await _manager.PublishAsync("owned", semaphore, TestTimeout.Token());
        using PeerProcess holder = PeerProcess.Start("sem-hold", _manager.Address, Convert.ToHexString(_manager.AuthKey.Span), "owned", "2");
        Assert.Equal("held", await holder.ReadLineAsync(TestTimeout.Token(30)));
        Assert.Equal(0, semaphore.CurrentCount);
        Task waiting = semaphore.AcquireAsync(TestTimeout.Token());

        holder.Kill();

        await waiting.WaitAsync(TestTimeout.Token());
        Assert.Equal(1, semaphore.CurrentCount);
    }

    // The conservation probe of the review (Semaphore(3,3), looping processes SIGKILLed mid-loop), on Owned.
    [Fact(Timeout = 60_000)]
    public async Task Owned_LoopingHoldersSigkilledMidLoop_EveryPermitComesBack()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(3, 3, SemaphoreKind.Owned);
        await _manager.PublishAsync("looped", semaphore, TestTimeout.Token());
        string key = Convert.ToHexString(_manager.AuthKey.Span);
        PeerProcess[] loopers = [.. Enumerable.Range(0, 3).Select(_ => PeerProcess.Start("sem-loop", _manager.Address, key, "looped"))];
        try
        {
            // Each is killed as soon as it loops, while the others still start or loop: kills land at random points.
            foreach (PeerProcess looper in loopers)
            {
                Assert.Equal("looping", await looper.ReadLineAsync(TestTimeout.Token(30)));
                looper.Kill();
            }
        }
        finally
        {
            foreach (PeerProcess looper in loopers)
            {
                looper.Dispose();
            }
        }

        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ConnectionCount == 1, because: "the manager did not see the loopers die");
        await TestTimeout.UntilAsync(() => Task.FromResult(semaphore.CurrentCount == 3), because: "permits of killed holders did not all come back");
        for (int i = 0; i < 3; i++)
        {
            Assert.True(semaphore.TryAcquire(TimeSpan.Zero));
        }

        Assert.False(semaphore.TryAcquire(TimeSpan.Zero));
    }

    [Fact(Timeout = 20_000)]
    public async Task Owned_ReleaseBeyondWhatTheCallerHolds_IsRefused_AndNothingIsReleased()
    {
        ISharedSemaphore semaphore = await _manager.CreateSemaphoreAsync(2, 5, SemaphoreKind.Owned);
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedSemaphore otherSemaphore = await other.GetAsync(semaphore);
        semaphore.Acquire();

        Assert.Throws<SynchronizationLockException>(() => otherSemaphore.Release());
        await Assert.ThrowsAsync<SynchronizationLockException>(() => semaphore.ReleaseAsync(2, TestTimeout.Token()));
        Assert.Equal(1, semaphore.CurrentCount);

        using (otherSemaphore.Lock())
        {
            Assert.Equal(0, semaphore.CurrentCount);
        }

        Assert.Equal(1, semaphore.Release());
        Assert.Equal(2, semaphore.CurrentCount);
    }

    // Counting watches no connection, so a signal granted to a waiter whose connection closed before
    // the grant reached it would be lost with the reply; the server puts it back instead.
    [Fact(Timeout = 20_000)]
    public async Task Counting_PermitGrantedToAClosedConnection_IsPutBack()
    {
        using var semaphore = new SharedSemaphoreServer(0, 10, (int)SemaphoreKind.Counting, TimeProvider.System);
        using var closing = new CancellationTokenSource();
        var waiter = new Caller(1, closing.Token);
        var releaser = new Caller(2, CancellationToken.None);
        Task<bool> waiting = semaphore.Acquire(Timeout.InfiniteTimeSpan, waiter, CancellationToken.None).AsTask();

        await closing.CancelAsync();
        semaphore.Release(1, releaser);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeout.Token()));
        Assert.Equal(1, semaphore.CurrentCount());
    }

    [Fact(Timeout = 20_000)]
    public async Task Create_InvalidKindOrOwnedWithoutPermits_IsRefused_AndNothingIsCreated()
    {
        int objects = (await _manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateSemaphoreAsync(1, 1, (SemaphoreKind)7));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateSemaphoreAsync(0, 1, SemaphoreKind.Owned));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateAsync("multiproc:semaphore", 1, 1, 7));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateAsync("multiproc:semaphore", 0, 1, 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _manager.CreateAsync("multiproc:semaphore", 2, 1, 0));

        Assert.Equal(objects, (await _manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);
    }
}
