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
}
