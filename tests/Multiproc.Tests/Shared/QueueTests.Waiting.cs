using System.Collections.Concurrent;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

/// <summary>Takes that wait: timeouts, cancellation, dying connections, and calls beside a waiting take.</summary>
public abstract partial class QueueTests
{
    [Fact(Timeout = 20_000)]
    public async Task TryTake_EmptyQueue_ReturnsFalseAfterTheTimeout()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(queue.TryTake(out _, TimeSpan.FromMilliseconds(200)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10));
        Assert.Equal((false, 0), await queue.TryTakeAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.TryTake(out _, TimeSpan.FromSeconds(-2)));
        Assert.Equal(0, ServerObjects.Get<SharedQueueServer>(_manager, queue).Waiting.Takers);
    }

    [Fact(Timeout = 20_000)]
    public async Task Take_OnAConnectionThatDies_DoesNotSwallowTheNextItem()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        OtherProcess doomed = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<int> doomedQueue = await doomed.GetAsync(queue);
        Task<int> doomedTake = doomedQueue.TakeAsync();
        SharedQueueServer server = ServerObjects.Get<SharedQueueServer>(_manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 1));

        await doomed.DieAsync();
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => doomedTake);
        Assert.Equal(0, server.Waiting.Takers);

        queue.Put(42);
        Assert.True(queue.TryTake(out int item, TimeSpan.FromSeconds(5)));
        Assert.Equal(42, item);
    }

    [Fact(Timeout = 20_000)]
    public async Task TakeAsync_Cancelled_ThrowsWithTheTokenAndLeavesNoWaiter()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        SharedQueueServer server = ServerObjects.Get<SharedQueueServer>(_manager, queue);
        using var cts = new CancellationTokenSource();
        Task<int> take = queue.TakeAsync(cts.Token);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 1));

        await cts.CancelAsync();

        OperationCanceledException error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(TestTimeout.Token()));
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(0, server.Waiting.Takers);
        queue.Put(1);
        Assert.Equal(1, queue.Take());
    }

    [Fact(Timeout = 20_000)]
    public async Task TakeAsync_CancelledWhileAnItemArrives_EitherReturnsItOrLeavesItQueued()
    {
        const int Rounds = 200;
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        await using OtherProcess producer = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<int> producerQueue = await producer.GetAsync(queue);
        int taken = 0;
        int cancelled = 0;
        for (int i = 0; i < Rounds; i++)
        {
            using var cts = new CancellationTokenSource();
            Task<int> take = queue.TakeAsync(cts.Token);
            Task put;
            if (i % 2 == 0)
            {
                put = producerQueue.PutAsync(i, TestTimeout.Token());
                await cts.CancelAsync();
            }
            else
            {
                await cts.CancelAsync();
                put = producerQueue.PutAsync(i, TestTimeout.Token());
            }

            try
            {
                Assert.Equal(i, await take.WaitAsync(TestTimeout.Token()));
                taken++;
            }
            catch (OperationCanceledException ex) when (ex.CancellationToken == cts.Token)
            {
                Assert.True(queue.TryTake(out int queued, TimeSpan.FromSeconds(5)), $"item {i} was lost");
                Assert.Equal(i, queued);
                cancelled++;
            }

            await put.WaitAsync(TestTimeout.Token());
        }

        Assert.Equal(Rounds, taken + cancelled);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, ServerObjects.Get<SharedQueueServer>(_manager, queue).Waiting.Takers);
    }

    [Fact(Timeout = 20_000)]
    public async Task Take_Waiting_DoesNotStallOtherCallsOnTheSameConnection()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        ISharedQueue<int> other = await _manager.CreateQueueAsync<int>();
        Task<int> blockingTake = Task.Factory.StartNew(() => queue.Take(), TaskCreationOptions.LongRunning);
        SharedQueueServer server = ServerObjects.Get<SharedQueueServer>(_manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 1));

        other.Put(1);
        Assert.Equal(1, await other.TakeAsync(TestTimeout.Token()));
        await queue.PutAsync(7, TestTimeout.Token());
        Assert.Equal(7, await blockingTake.WaitAsync(TestTimeout.Token()));
    }
}
