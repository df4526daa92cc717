using System.Collections.Concurrent;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

/// <summary>The queue built-in: FIFO order, bounds, completion and joins (waiting takes: QueueTests.Waiting.cs).</summary>
public abstract partial class QueueTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task PutAndTake_SingleAndBatch_KeepFifoOrder()
    {
        ISharedQueue<string> queue = await _manager.CreateQueueAsync<string>();
        queue.Put("a");
        await queue.PutAsync("b", TestTimeout.Token());
        queue.PutMany(["c", "d", "e"]);
        Assert.Equal(5, queue.Count);
        Assert.Equal(0, queue.Capacity);

        Assert.Equal("a", queue.Take());
        Assert.Equal("b", await queue.TakeAsync(TestTimeout.Token()));
        Assert.Equal(["c", "d"], queue.TakeMany(2));
        Assert.Equal(["e"], await queue.TakeManyAsync(10, TestTimeout.Token()));
        Assert.False(queue.TryTake(out _, TimeSpan.Zero));
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task ProducerConsumer_100000Items_ThreeConsumerConnections_DeliverEachExactlyOnce()
    {
        const int Total = 100_000;
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(capacity: 1_000);
        await using OtherProcess first = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess second = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess third = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<int> q1 = await first.GetAsync(queue);
        ISharedQueue<int> q2 = await second.GetAsync(queue);
        ISharedQueue<int> q3 = await third.GetAsync(queue);
        CancellationToken timeout = TestTimeout.Token(25);
        var received = new ConcurrentBag<int>();

        Task asyncReader = Task.Run(async () =>
        {
            await foreach (int item in q1.ReadAllAsync(timeout))
            {
                received.Add(item);
            }
        });
        Task blockingReader = Task.Factory.StartNew(
            () =>
            {
                foreach (int item in q2.GetConsumingEnumerable(timeout))
                {
                    received.Add(item);
                }
            },
            TaskCreationOptions.LongRunning);
        Task batchReader = Task.Run(async () =>
        {
            while (await q3.TakeManyAsync(64, timeout) is { Length: > 0 } batch)
            {
                foreach (int item in batch)
                {
                    received.Add(item);
                }
            }
        });

        foreach (int[] chunk in Enumerable.Range(0, Total).Chunk(500))
        {
            await queue.PutManyAsync(chunk, timeout);
        }

        queue.CompleteAdding();
        await Task.WhenAll(asyncReader, blockingReader, batchReader).WaitAsync(timeout);

        Assert.Equal(Total, received.Count);
        Assert.Equal(Total, received.ToHashSet().Count);
        Assert.True(queue.IsCompleted);
    }

    [Fact(Timeout = 20_000)]
    public async Task Put_BoundedQueueFull_WaitsUntilATakeMakesSpace()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(capacity: 1);
        queue.Put(1);
        Assert.False(queue.TryPut(2, TimeSpan.Zero));

        Task blockedPut = queue.PutAsync(3, TestTimeout.Token());
        SharedQueueServer server = ServerObjects.Get<SharedQueueServer>(_manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Putters == 1));
        Assert.False(blockedPut.IsCompleted);
        Assert.Equal(1, queue.Count);

        Assert.Equal(1, queue.Take());
        await blockedPut.WaitAsync(TestTimeout.Token());
        Assert.Equal(3, queue.Take());
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 20_000)]
    public async Task PutMany_MoreThanTheCapacity_CompletesAsTakesMakeSpace_InOrder()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(capacity: 2);
        Task putMany = queue.PutManyAsync(Enumerable.Range(0, 7), TestTimeout.Token());
        var taken = new List<int>();
        while (taken.Count < 7)
        {
            taken.AddRange(await queue.TakeManyAsync(3, TestTimeout.Token()));
        }

        await putMany.WaitAsync(TestTimeout.Token());
        Assert.Equal(Enumerable.Range(0, 7), taken);
    }

    [Fact(Timeout = 20_000)]
    public async Task Put_WaitingOnAConnectionThatDies_AddsNothing_AndCompleteAddingFailsOtherWaitingPuts()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(capacity: 1);
        queue.Put(1);
        OtherProcess doomed = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<int> doomedQueue = await doomed.GetAsync(queue);
        Task doomedPut = doomedQueue.PutAsync(2);
        Task waitingPut = queue.PutAsync(3, TestTimeout.Token());
        SharedQueueServer server = ServerObjects.Get<SharedQueueServer>(_manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Putters == 2));

        await doomed.DieAsync();
        Assert.Equal(1, server.Waiting.Putters);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => doomedPut);
        queue.CompleteAdding();

        await Assert.ThrowsAsync<InvalidOperationException>(() => waitingPut.WaitAsync(TestTimeout.Token()));
        Assert.Equal([1], queue.GetConsumingEnumerable(TestTimeout.Token()));
    }

    [Fact(Timeout = 20_000)]
    public async Task CompleteAdding_EndsConsumingEnumerations_AndRefusesPuts()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        Task<List<int>> waitingReader = Task.Run(async () =>
        {
            var items = new List<int>();
            await foreach (int item in queue.ReadAllAsync(TestTimeout.Token()))
            {
                items.Add(item);
            }

            return items;
        });

        queue.PutMany([1, 2]);
        await TestTimeout.UntilAsync(() => Task.FromResult(queue.Count == 0));
        queue.PutMany([3, 4]);
        queue.CompleteAdding();
        queue.CompleteAdding();

        List<int> read = await waitingReader.WaitAsync(TestTimeout.Token());
        Assert.Equal([1, 2, 3, 4], read.Concat(queue.GetConsumingEnumerable(TestTimeout.Token())).Order());
        Assert.True(queue.IsAddingCompleted);
        Assert.True(queue.IsCompleted);
        Assert.Empty(queue.GetConsumingEnumerable());
        Assert.Throws<InvalidOperationException>(() => queue.Take());
        Assert.False(queue.TryTake(out _, TimeSpan.FromSeconds(5)));
        Assert.Empty(await queue.TakeManyAsync(5, TestTimeout.Token()));
        Assert.Throws<InvalidOperationException>(() => queue.Put(5));
    }

    [Fact(Timeout = 20_000)]
    public async Task TaskDone_ForEveryItem_ReleasesJoin()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        Assert.True(queue.Join(TimeSpan.Zero));
        queue.PutMany([1, 2]);
        Task join = queue.JoinAsync(TestTimeout.Token());
        Assert.False(queue.Join(TimeSpan.Zero));

        queue.Take();
        queue.TaskDone();
        Assert.False(queue.Join(TimeSpan.FromMilliseconds(50)));
        queue.Take();
        queue.TaskDone();

        await join.WaitAsync(TestTimeout.Token());
        queue.Join();
        Assert.Throws<InvalidOperationException>(() => queue.TaskDone());
    }

    [Fact(Timeout = 20_000)]
    public async Task ProxyItems_StayReferences_AndReachTheTaker()
    {
        ISharedQueue<ISharedList<int>> queue = await _manager.CreateQueueAsync<ISharedList<int>>();
        ISharedList<int> list = await _manager.CreateListAsync<int>([1]);
        queue.Put(list);
        list.Dispose();

        await using OtherProcess consumer = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<ISharedList<int>> consumerQueue = await consumer.GetAsync(queue);
        ISharedList<int> received = await consumerQueue.TakeAsync(TestTimeout.Token());
        received.Add(2);
        Assert.Equal([1, 2], received.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task TryPutAsync_FullQueue_TimesOutFalse_AndAddsNothing_ThenAddsWhenThereIsRoom()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(capacity: 1, TestTimeout.Token());
        Assert.True(await queue.TryPutAsync(1, TimeSpan.Zero, TestTimeout.Token()));

        Assert.False(await queue.TryPutAsync(2, TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Assert.Equal(1, queue.Count);

        Task<bool> waiting = queue.TryPutAsync(3, TimeSpan.FromSeconds(10), TestTimeout.Token());
        Assert.Equal(1, queue.Take());
        Assert.True(await waiting);
        Assert.Equal(3, queue.Take());
    }

    [Fact(Timeout = 20_000)]
    public async Task JoinAsync_WithTimeout_FalseWhileItemsAreUnfinished_TrueOnceAllAreDone()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.Put(1);
        queue.Take();

        Assert.False(await queue.JoinAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));

        queue.TaskDone();
        Assert.True(await queue.JoinAsync(TimeSpan.FromSeconds(10), TestTimeout.Token()));
    }
}
