using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>
/// The contract run against one real Multiproc manager (a server on a Unix socket), and the behaviour of one manager
/// that a cluster deliberately does not share (each the counterpart of a named test in <see cref="ClusterContractTests"/>).
/// </summary>
public sealed class SingleManagerContractTests(SingleManagerFixture fixture) : ManagerContract, IClassFixture<SingleManagerFixture>
{
    protected override Manager Manager => fixture.Manager;

    protected override Task<Manager> ConnectAnotherAsync(CancellationToken cancellationToken) => fixture.ConnectAsync(cancellationToken);

    [Fact(Timeout = 30_000)]
    public async Task DisposingTheLastProxy_ReleasesTheObject()
    {
        string tag = UniqueName("last-proxy");
        ITracked tracked = await Manager.CreateAsync<ITracked>([tag], TestTimeout.Token());

        SharedObject.FromProxy(tracked).Dispose();

        await TestTimeout.UntilAsync(() => Task.FromResult(Tracked.WasDisposed(tag)), because: "the manager disposes an object when its last reference is released");
    }

    [Fact(Timeout = 30_000)]
    public async Task SyncCycle_Runs_BecauseAReferenceInsideTheManagerIsTheInstance()
    {
        (ITeam a, _) = await TeamPairAsync();

        Assert.Equal(2, a.Bounce(2));
        Assert.Equal(1, a.CallPartnerRelay());
    }

    [Fact(Timeout = 30_000)]
    public async Task GetStatsAsync_CountsTheObjectsAndConnections()
    {
        // A manager of its own: the shared one's counts move as other tests' proxies are finalized.
        await using Manager own = await Manager.StartAsync(ContractTypes.Register(new ManagerOptions()), TestTimeout.Token());
        await using Manager other = await Manager.ConnectAsync(own.Address, own.AuthKey, TestTimeout.Token());
        IEmployee counted = await other.CreateAsync<IEmployee>(["Counted", 1m], TestTimeout.Token());

        ManagerStats stats = await own.GetStatsAsync(TestTimeout.Token());

        Assert.Equal(1, stats.ObjectCount);
        Assert.Equal(2, stats.ConnectionCount);
        GC.KeepAlive(counted);
    }

    [Fact(Timeout = 30_000)]
    public async Task OrleansDeleteAsync_OfAManagersProxy_IsRefused_DisposeReleasesInstead()
    {
        IEmployee grace = await Manager.CreateAsync<IEmployee>(["Grace", 1m], TestTimeout.Token());

        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => OrleansManager.DeleteAsync(grace, TestTimeout.Token()));

        Assert.Contains("dispose it instead", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2m, grace.Raise(1m));
    }

    [Fact(Timeout = 30_000)]
    public async Task Lock_HeldByAClosedConnection_IsReleasedWhenItCloses()
    {
        ISharedLock lk = await Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());
        string name = UniqueName("lock");
        await Manager.PublishAsync(name, lk, TestTimeout.Token());
        Manager holder = await ConnectAnotherAsync(TestTimeout.Token());
        (await holder.LookupAsync<ISharedLock>(name, TestTimeout.Token())).Acquire();
        Assert.False(lk.TryAcquire(TimeSpan.Zero));

        await holder.DisposeAsync();

        // No lease: the manager releases the lock as it sees the connection close.
        await lk.AcquireAsync(TestTimeout.Token());
        lk.Release();
        await Manager.UnpublishAsync(name, TestTimeout.Token());
    }

    [Fact(Timeout = 30_000)]
    public async Task Queue_ItemReceivedByAConnectionThatCloses_IsNotDeliveredAgain()
    {
        // A manager of its own, so its connection count shows when it has handled the close.
        await using Manager own = await Manager.StartAsync(ContractTypes.Register(new ManagerOptions()), TestTimeout.Token());
        ISharedQueue<string> queue = await own.CreateQueueAsync<string>(cancellationToken: TestTimeout.Token());
        string name = UniqueName("queue");
        await own.PublishAsync(name, queue, TestTimeout.Token());
        Manager consumer = await Manager.ConnectAsync(own.Address, own.AuthKey, TestTimeout.Token());
        queue.PutMany(["taken", "next"]);

        Assert.Equal("taken", await (await consumer.LookupAsync<ISharedQueue<string>>(name, TestTimeout.Token())).TakeAsync(TestTimeout.Token()));
        await consumer.DisposeAsync();
        await TestTimeout.UntilAsync(async () => (await own.GetStatsAsync(TestTimeout.Token())).ConnectionCount == 1, because: "the manager handles the closed connection");

        // Exactly once: an item whose reply reached its taker never comes back.
        Assert.Equal(["next"], queue.TakeMany(10));
        Assert.Equal(0, queue.Count);
    }
}
