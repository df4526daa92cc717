using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Replies larger than the frame limit: a batch take returns fewer items, any other read throws a
/// typed error; nothing is truncated and nothing is removed that was not delivered (review F2 gaps).
/// </summary>
public sealed class FrameLimitTests : IAsyncLifetime
{
    private const int ItemSize = 10_000;
    private Manager _manager = null!;

    public async Task InitializeAsync()
    {
        ManagerOptions options = TestOptions.Create();
        options.MaxFrameSize = 64 * 1024;
        _manager = await Manager.StartAsync(options);
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    // Old code: the 100 KB reply failed to send after the items were removed (all ten lost, RemoteException).
    [Fact(Timeout = 30_000)]
    public async Task TakeMany_MoreThanOneReplyHolds_ReturnsFewerAndKeepsTheRestInOrder()
    {
        ISharedQueue<byte[]> queue = await _manager.CreateQueueAsync<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            queue.Put(Item(i));
        }

        byte[][] first = queue.TakeMany(10);
        Assert.InRange(first.Length, 1, 6);
        var all = new List<byte[]>(first);
        while (all.Count < 10)
        {
            all.AddRange(await queue.TakeManyAsync(10, TestTimeout.Token()));
        }

        Assert.Equal(Enumerable.Range(0, 10), all.Select(item => (int)item[0]));
        Assert.All(all, item => Assert.Equal(ItemSize, item.Length));
        // The last receipt may still be on its way to the manager when the take returns.
        await TestTimeout.UntilAsync(() => Task.FromResult(_manager.OwnedServer!.Host.OpenLeases == 0), because: "a lease stayed open after every item was received");
    }

    // Old code: a RemoteException wrapping a protocol violation; now a typed error, and the list is intact.
    [Fact(Timeout = 30_000)]
    public async Task ToArray_OverTheFrameLimit_ThrowsInvalidOperationAndRemovesNothing()
    {
        ISharedList<byte[]> list = await _manager.CreateListAsync<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            list.Add(Item(i));
        }

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => list.ToArray());
        Assert.Contains("frame limit", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => list.ToArrayAsync(TestTimeout.Token()));
        Assert.Equal(10, list.Count);
        Assert.True(list.TryPop(out byte[] last));
        Assert.Equal(9, last[0]);
    }

    private static byte[] Item(int index)
    {
        byte[] item = new byte[ItemSize];
        item[0] = (byte)index;
        return item;
    }
}
