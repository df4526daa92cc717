using System.Buffers;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Review finding F2 and its known gaps: a value removed for a caller that never receives it (the
/// caller gave up on the call, or its connection died before the receipt) goes back.
/// </summary>
public sealed class AbandonedResultTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    // Known gap (review, p1c untyped): an untyped take abandoned by its token dropped its late reply, losing 922 of 9,123 items.
    [Fact(Timeout = 60_000)]
    public async Task InvokeAsync_UntypedTakesCancelledWhileItemsArrive_LoseNothing()
    {
        const int Items = 600;
        ISharedQueue<long> queue = await _manager.CreateQueueAsync<long>();
        await using OtherProcess consumer = await OtherProcess.ConnectAsync(_manager);
        SharedObject handle = SharedObject.FromProxy(await consumer.GetAsync(queue));

        Task producer = Task.Run(async () =>
        {
            for (long i = 0; i < Items; i++)
            {
                await queue.PutAsync(i, TestTimeout.Token());
                if (i % 4 == 0)
                {
                    await Task.Delay(1);
                }
            }
        });

        var received = new List<long>();
        var random = new Random(7);
        int cancelled = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (received.Count < Items && !deadline.IsCancellationRequested)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMicroseconds(random.Next(0, 1500)));
            try
            {
                long[]? taken = await handle.InvokeAsync<long[]?>("Take", [1, TimeSpan.FromSeconds(1)], cts.Token);
                received.AddRange(taken ?? []);
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
        }

        await producer.WaitAsync(TestTimeout.Token());
        Assert.True(cancelled > 50, $"only {cancelled} takes were cancelled");
        Assert.Equal(Enumerable.Range(0, Items).Select(i => (long)i), received.Order());
        Assert.Equal(0, queue.Count);
    }

    // F2 for lists: a pop whose caller's connection dies before its receipt (old code: the item was gone).
    [Fact(Timeout = 30_000)]
    public async Task TryPop_CallerDiesBeforeItsReceipt_ItemGoesBackWhereItWas()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>([1, 2, 3]);
        using (RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token()))
        {
            await SendCallAsync(raw, SharedObject.FromProxy(list).ObjectId, "TryPop");
            await TestTimeout.UntilAsync(() => Task.FromResult(list.Count == 2));
            list.Add(4);
        }

        await TestTimeout.UntilAsync(() => Task.FromResult(list.Count == 4), because: "the popped item did not come back");
        Assert.Equal([1, 2, 3, 4], list.ToArray());
        Assert.Equal(0, _manager.OwnedServer!.Host.OpenLeases);
    }

    // The same for a dictionary: the removed value goes back under its key.
    [Fact(Timeout = 30_000)]
    public async Task TryRemove_CallerDiesBeforeItsReceipt_ValueGoesBackUnderItsKey()
    {
        ISharedDictionary<string, int> dictionary = await _manager.CreateDictionaryAsync<string, int>();
        dictionary["a"] = 1;
        dictionary["b"] = 2;
        using (RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: true, TestTimeout.Token()))
        {
            await SendCallAsync(raw, SharedObject.FromProxy(dictionary).ObjectId, "TryRemove", "a");
            await TestTimeout.UntilAsync(() => Task.FromResult(dictionary.Count == 1));
        }

        await TestTimeout.UntilAsync(() => Task.FromResult(dictionary.Count == 2), because: "the removed value did not come back");
        Assert.Equal(1, dictionary["a"]);
    }

    // A list pop abandoned by its token is given back by the client's Return notice at once.
    [Fact(Timeout = 30_000)]
    public async Task TryPopAsync_AbandonedByItsToken_ItemIsReturned()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>();
        await using OtherProcess caller = await OtherProcess.ConnectAsync(_manager);
        ISharedList<int> callerList = await caller.GetAsync(list);
        int popped = 0;
        for (int i = 0; i < 100; i++)
        {
            // Everything on one connection, so the abandoned pop runs before the next call.
            callerList.Add(i);
            using var cts = new CancellationTokenSource();
            Task<(bool Success, int Value)> pop = callerList.TryPopAsync(cts.Token);
            await cts.CancelAsync();
            try
            {
                (bool found, int item) = await pop.WaitAsync(TestTimeout.Token());
                Assert.True(found);
                Assert.Equal(i, item);
                popped++;
            }
            catch (OperationCanceledException)
            {
                await TestTimeout.UntilAsync(() => Task.FromResult(callerList.Count == 1), because: $"item {i} was lost");
                Assert.True(callerList.TryPop(out int back));
                Assert.Equal(i, back);
            }
        }

        Assert.True(popped < 100, "no pop was abandoned");
        await TestTimeout.UntilAsync(() => Task.FromResult(_manager.OwnedServer!.Host.OpenLeases == 0));
    }

    private static async Task SendCallAsync(RawClient raw, long objectId, string member, params string[] args)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(4 + args.Length);
        writer.Write((byte)MessageKind.Call);
        writer.Write(1u);
        writer.Write(objectId);
        writer.Write(member);
        foreach (string arg in args)
        {
            writer.Write(arg);
        }

        writer.Flush();
        await raw.SendLengthPrefixAsync((uint)buffer.WrittenCount, TestTimeout.Token());
        await raw.SendAsync(buffer.WrittenSpan.ToArray(), TestTimeout.Token());
    }
}
