using System.Collections.Concurrent;
using System.Diagnostics;
using MessagePack;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Review finding F2, "delivered means received": an item whose put returned is in the queue or was
/// received by exactly one consumer, even when consumer processes are SIGKILLed at any moment.
/// Consumers are real processes (the Peer's <c>consume</c> role) on a Unix socket.
/// </summary>
[Trait("Kind", "Process")]
public sealed class DeliveryTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    // F2: under kill churn the old code lost an item in about half the kills (33-62 of 15-20k).
    [Fact(Timeout = 90_000)]
    public async Task Take_ConsumersKilledAtRandomWhileItemsArrive_NoItemLostOrDuplicated()
    {
        const int Kills = 12;
        (ISharedQueue<long> queue, string name, SharedQueueServer server) = await CreateQueueAsync();
        var committed = new ConcurrentQueue<long>();
        server.Committed = (_, items) =>
        {
            foreach (EncodedValue item in items)
            {
                committed.Enqueue(new MessagePackReader(item.Bytes.ToArray()).ReadInt64());
            }
        };

        string[] modes = ["take", "takeasync", "takemany"];
        var live = modes.Select(mode => ConsumerProcess.Start(_manager, name, mode)).ToList();
        var all = new List<ConsumerProcess>(live);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            Task<long> producer = Task.Run(async () =>
            {
                // About one item per millisecond, so an item often arrives within a few ms of a kill.
                var clock = Stopwatch.StartNew();
                long i = 0;
                for (; !stop.IsCancellationRequested; i++)
                {
                    queue.Put(i);
                    if (i > clock.ElapsedMilliseconds)
                    {
                        await Task.Delay(1, CancellationToken.None);
                    }
                }

                return i;
            });

            var random = new Random(20261130);
            int kills = 0;
            while (kills < Kills && !stop.IsCancellationRequested)
            {
                await Task.Delay(random.Next(40, 250), CancellationToken.None);
                // Only consumers already taking are worth killing (a starting one holds nothing).
                ConsumerProcess[] taking = [.. live.Where(c => c.Printed.Count > 0)];
                if (taking.Length == 0)
                {
                    continue;
                }

                ConsumerProcess victim = taking[random.Next(taking.Length)];
                victim.Kill();
                kills++;
                ConsumerProcess replacement = ConsumerProcess.Start(_manager, name, victim.Mode);
                live[live.IndexOf(victim)] = replacement;
                all.Add(replacement);
            }

            await stop.CancelAsync();
            long items = await producer;
            queue.CompleteAdding();
            foreach (ConsumerProcess consumer in live)
            {
                Assert.Equal(0, await consumer.WaitForExitAsync(TestTimeout.Token(30)));
            }

            await Task.WhenAll(all.Select(c => c.Reading)).WaitAsync(TestTimeout.Token());

            long[] printed = [.. all.SelectMany(c => c.Printed)];
            long[] received = [.. committed];
            Assert.Equal(0, queue.Count);
            Assert.Equal(Kills, kills);
            Assert.Equal(printed.Length, printed.Distinct().Count());
            Assert.Equal(received.Length, received.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, (int)items).Select(i => (long)i), received.Order());
            Assert.Empty(printed.Except(received));

            // Only a consumer killed between writing its receipt and printing can hold an unprinted item.
            long[] unprinted = [.. received.Except(printed)];
            Assert.True(unprinted.Length <= kills, $"{unprinted.Length} items committed but never printed, with {kills} kills");
        }
        finally
        {
            foreach (ConsumerProcess consumer in all)
            {
                consumer.Dispose();
            }
        }
    }

    // F2: with d = 0 ms the old code lost 9 of 12 such items.
    [Fact(Timeout = 60_000)]
    public async Task Take_ConsumersKilledWhileWaiting_ItemsPutRightAfterComeBackInOrder()
    {
        (ISharedQueue<long> queue, string name, SharedQueueServer server) = await CreateQueueAsync();
        ConsumerProcess[] consumers = [.. Enumerable.Range(0, 3).Select(_ => ConsumerProcess.Start(_manager, name, "take"))];
        try
        {
            await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 3), seconds: 30);

            foreach (ConsumerProcess consumer in consumers)
            {
                consumer.Kill();
            }

            queue.Put(1);
            queue.Put(2);
            queue.Put(3);

            await TestTimeout.UntilAsync(() => Task.FromResult(queue.Count == 3), because: "items handed to dead takers did not come back");
            Assert.Equal([1L, 2L, 3L], queue.TakeMany(8));
            await Task.WhenAll(consumers.Select(c => c.Reading)).WaitAsync(TestTimeout.Token());
            Assert.All(consumers, c => Assert.Empty(c.Printed));
        }
        finally
        {
            Array.ForEach(consumers, c => c.Dispose());
        }
    }

    // F2 (TakeMany): the batch sits unread in a frozen process's socket, then the process is killed.
    [Fact(Timeout = 60_000)]
    public async Task TakeMany_BatchSentToAProcessThatIsKilledBeforeReadingIt_ComesBackWhole()
    {
        (ISharedQueue<long> queue, string name, SharedQueueServer server) = await CreateQueueAsync();
        using ConsumerProcess consumer = ConsumerProcess.Start(_manager, name, "takemany");
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 1), seconds: 30);
        consumer.Freeze();

        queue.PutMany([10, 11, 12, 13, 14]);
        Assert.Equal((0, 0), server.Waiting);
        Assert.Equal(0, queue.Count);
        await TestTimeout.UntilAsync(() => Task.FromResult(_manager.OwnedServer!.Host.OpenLeases == 1), because: "the batch was never leased");
        consumer.Kill();

        await TestTimeout.UntilAsync(() => Task.FromResult(queue.Count == 5), because: "the batch handed to the killed process did not come back");
        Assert.Equal([10L, 11L, 12L, 13L, 14L], queue.TakeMany(8));
        await consumer.Reading.WaitAsync(TestTimeout.Token());
        Assert.Empty(consumer.Printed);
    }

    // F2 (Join): the old code never counted a dead consumer's taken items as done, so Join hung.
    [Fact(Timeout = 60_000)]
    public async Task Join_ConsumerKilledBetweenTakeAndTaskDone_CountsItsItemAsDone()
    {
        (ISharedQueue<long> queue, string name, SharedQueueServer server) = await CreateQueueAsync();
        queue.Put(7);
        using ConsumerProcess consumer = ConsumerProcess.Start(_manager, name, "take");
        await TestTimeout.UntilAsync(() => Task.FromResult(consumer.Printed.Count == 1 && server.Waiting.Takers == 1), seconds: 30);
        Assert.False(queue.Join(TimeSpan.Zero));

        consumer.Kill();

        Assert.True(await Task.Run(() => queue.Join(TimeSpan.FromSeconds(10))), "Join still waits for the dead consumer's item");
        Assert.Equal([7L], consumer.Printed);
    }

    // Join counts only what the dead consumer took and never marked done: not what it marked, nor what is still queued.
    [Fact(Timeout = 30_000)]
    public async Task Join_ConsumerDiesAfterMarkingSomeDone_CountsOnlyItsUnfinishedItems()
    {
        ISharedQueue<long> queue = await _manager.CreateQueueAsync<long>();
        queue.PutMany([1, 2, 3]);
        OtherProcess consumer = await OtherProcess.ConnectAsync(_manager);
        ISharedQueue<long> consumerQueue = await consumer.GetAsync(queue);
        Assert.Equal([1L, 2L], consumerQueue.TakeMany(2));
        consumerQueue.TaskDone();

        await consumer.DieAsync();

        Assert.False(queue.Join(TimeSpan.Zero));
        Assert.Equal(3, queue.Take());
        queue.TaskDone();
        Assert.True(queue.Join(TimeSpan.FromSeconds(10)));
        Assert.Throws<InvalidOperationException>(queue.TaskDone);
    }

    private async Task<(ISharedQueue<long> Queue, string Name, SharedQueueServer Server)> CreateQueueAsync()
    {
        ISharedQueue<long> queue = await _manager.CreateQueueAsync<long>();
        string name = "q-" + Guid.NewGuid().ToString("N");
        await _manager.PublishAsync(name, queue, TestTimeout.Token());
        return (queue, name, ServerObjects.Get<SharedQueueServer>(_manager, queue));
    }
}
