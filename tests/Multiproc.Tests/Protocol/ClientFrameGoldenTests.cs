using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// The exact bytes a real client writes for each client-to-server message kind, read by a
/// <see cref="FakeManager"/> off the socket (docs/protocol.md §2–§3). The fake's replies are
/// hand-encoded in the shapes <see cref="ServerFrameGoldenTests"/> pins.
/// </summary>
public sealed class ClientFrameGoldenTests
{
    // [Result, 1, reference(7, "multiproc:queue")]: what a lookup of a queue returns.
    private const string QueueReference = "18000000 93 02 01 C7122A 92 07 AF6D756C746970726F633A7175657565";

    [Fact(Timeout = 20_000)]
    public async Task CallAndRelease_LookupThenInvokeThenDispose_AreTheGoldenFrames()
    {
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(TestTimeout.Token());
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await accepted;

        Task<SharedObject> lookup = client.LookupAsync<SharedObject>("jobs", TestTimeout.Token());
        byte[] lookupCall = await fake.ReadWholeFrameAsync(TestTimeout.Token());
        await fake.SendAsync(Golden.Bytes(QueueReference), TestTimeout.Token());
        SharedObject queue = await lookup.WaitAsync(TestTimeout.Token());

        Task<bool> put = queue.InvokeAsync<bool>("Put", [5, TimeSpan.FromMilliseconds(1)], TestTimeout.Token());
        byte[] putCall = await fake.ReadWholeFrameAsync(TestTimeout.Token());
        await fake.SendAsync(Golden.Bytes("04000000 93 02 02 C3"), TestTimeout.Token());
        Assert.True(await put.WaitAsync(TestTimeout.Token()));

        queue.Dispose();
        byte[] release = await fake.ReadWholeFrameAsync(TestTimeout.Token());

        // 10000000            length 16
        // 95                  array of 5
        // 01                  kind 1 Call
        // 01                  call id 1 (the connection's first)
        // 00                  object id 0: the control object
        // A6 6C6F..70         member "lookup"
        // A4 6A6F6273         argument 0: "jobs"
        Assert.Equal(Golden.Hex("10000000 95 01 01 00 A66C6F6F6B7570 A46A6F6273"), Golden.Hex(lookupCall));
        // 0C000000            length 12
        // 96                  array of 6
        // 01                  kind 1 Call
        // 02                  call id 2
        // 07                  object id 7
        // A3 507574           member "Put" (an untyped call: the bare name)
        // 05                  argument 0: 5
        // CD 2710             argument 1: 1 ms as ticks, 10,000 (uint 16)
        Assert.Equal(Golden.Hex("0C000000 96 01 02 07 A3507574 05 CD2710"), Golden.Hex(putCall));
        // 04000000            length 4
        // 93                  array of 3
        // 05                  kind 5 Release
        // 07                  object id 7
        // 01                  count 1
        Assert.Equal(Golden.Hex("04000000 93 05 07 01"), Golden.Hex(release));
    }

    [Fact(Timeout = 20_000)]
    public async Task Receipt_LeasedResultReachesItsCaller_IsTheGoldenFrame()
    {
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(TestTimeout.Token());
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await accepted;
        SharedObject queue = await LookupQueueAsync(client, fake);

        Task<int[]?> take = queue.InvokeAsync<int[]?>("Take", [1, TimeSpan.Zero], TestTimeout.Token());
        await fake.ReadWholeFrameAsync(TestTimeout.Token());
        // [LeasedResult, 2, [5]]
        await fake.SendAsync(Golden.Bytes("05000000 93 06 02 91 05"), TestTimeout.Token());
        byte[] receipt = await fake.ReadWholeFrameAsync(TestTimeout.Token());

        int[]? taken = await take.WaitAsync(TestTimeout.Token());
        Assert.Equal(new[] { 5 }, taken);
        // 03000000            length 3
        // 92                  array of 2
        // 07                  kind 7 Receipt
        // 02                  call id 2
        Assert.Equal(Golden.Hex("03000000 92 07 02"), Golden.Hex(receipt));
    }

    [Fact(Timeout = 20_000)]
    public async Task Receipt_LeasedResultsOfOneReceive_OneReceiptNamesThemAll()
    {
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(TestTimeout.Token());
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await accepted;
        SharedObject queue = await LookupQueueAsync(client, fake);

        Task<int[]?> first = queue.InvokeAsync<int[]?>("Take", [1, TimeSpan.Zero], TestTimeout.Token());
        await fake.ReadWholeFrameAsync(TestTimeout.Token());
        Task<int[]?> second = queue.InvokeAsync<int[]?>("Take", [1, TimeSpan.Zero], TestTimeout.Token());
        await fake.ReadWholeFrameAsync(TestTimeout.Token());
        // [LeasedResult, 2, [5]] and [LeasedResult, 3, [6]], in one send: one receive reads both.
        await fake.SendAsync(Golden.Bytes("05000000 93 06 02 91 05 05000000 93 06 03 91 06"), TestTimeout.Token());
        byte[] receipt = await fake.ReadWholeFrameAsync(TestTimeout.Token());

        Assert.Equal(new[] { 5 }, await first.WaitAsync(TestTimeout.Token()));
        Assert.Equal(new[] { 6 }, await second.WaitAsync(TestTimeout.Token()));
        // 04000000            length 4
        // 93                  array of 3
        // 07                  kind 7 Receipt
        // 02 03               call ids 2 and 3
        Assert.Equal(Golden.Hex("04000000 93 07 02 03"), Golden.Hex(receipt));
    }

    [Fact(Timeout = 20_000)]
    public async Task CancelAndReturn_CallerGivesUpThenTheLeasedResultArrives_AreTheGoldenFrames()
    {
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(TestTimeout.Token());
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await accepted;
        SharedObject queue = await LookupQueueAsync(client, fake);

        using var giveUp = new CancellationTokenSource();
        Task<int[]?> take = queue.InvokeAsync<int[]?>("Take", [1, Timeout.InfiniteTimeSpan], giveUp.Token);
        byte[] takeCall = await fake.ReadWholeFrameAsync(TestTimeout.Token());
        await giveUp.CancelAsync();
        byte[] cancel = await fake.ReadWholeFrameAsync(TestTimeout.Token());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(TestTimeout.Token()));
        // [LeasedResult, 2, [5]]: the item was taken before the cancel arrived.
        await fake.SendAsync(Golden.Bytes("05000000 93 06 02 91 05"), TestTimeout.Token());
        byte[] giveBack = await fake.ReadWholeFrameAsync(TestTimeout.Token());

        // 0D000000            length 13
        // 96                  array of 6
        // 01 02 07            Call, call id 2, object id 7
        // A4 54616B65         member "Take"
        // 01                  argument 0: max 1
        // D1 D8F0             argument 1: infinite (-1 ms) as ticks, -10,000 (int 16); the token is not sent
        Assert.Equal(Golden.Hex("0D000000 96 01 02 07 A454616B65 01 D1D8F0"), Golden.Hex(takeCall));
        // 03000000            length 3
        // 92                  array of 2
        // 04                  kind 4 Cancel
        // 02                  call id 2
        Assert.Equal(Golden.Hex("03000000 92 04 02"), Golden.Hex(cancel));
        // 03000000            length 3
        // 92                  array of 2
        // 08                  kind 8 Return
        // 02                  call id 2
        Assert.Equal(Golden.Hex("03000000 92 08 02"), Golden.Hex(giveBack));
    }

    [Fact(Timeout = 20_000)]
    public async Task Ping_ManagerQuietWhileACallIsPending_IsTheGoldenFrame()
    {
        using FakeManager fake = FakeManager.Start();
        Task accepted = fake.AcceptAndAuthenticateAsync(TestTimeout.Token());
        // Pings start after a quarter of the liveness timeout of silence: 0.5 s here.
        var options = new ConnectOptions { LivenessTimeout = TimeSpan.FromSeconds(2) };
        await using Manager client = await Manager.ConnectAsync(fake.Address, FakeManager.Key, options, TestTimeout.Token());
        await accepted;

        Task<bool> unpublish = client.UnpublishAsync("jobs", TestTimeout.Token());
        await fake.ReadWholeFrameAsync(TestTimeout.Token());
        byte[] ping = await fake.ReadWholeFrameAsync(TestTimeout.Token());
        // [Pong, 1], then [Result, 1, false]
        await fake.SendAsync(Golden.Bytes("03000000 92 15 01 04000000 93 02 01 C2"), TestTimeout.Token());

        Assert.False(await unpublish.WaitAsync(TestTimeout.Token()));
        // 03000000            length 3
        // 92                  array of 2
        // 14                  kind 20 Ping
        // 01                  sequence 1 (the connection's first ping)
        Assert.Equal(Golden.Hex("03000000 92 14 01"), Golden.Hex(ping));
    }

    private static async Task<SharedObject> LookupQueueAsync(Manager client, FakeManager fake)
    {
        Task<SharedObject> lookup = client.LookupAsync<SharedObject>("jobs", TestTimeout.Token());
        await fake.ReadWholeFrameAsync(TestTimeout.Token());
        await fake.SendAsync(Golden.Bytes(QueueReference), TestTimeout.Token());
        return await lookup.WaitAsync(TestTimeout.Token());
    }
}
