using System.Globalization;
using Multiproc.Proxies;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>
/// The contract run against an Orleans cluster (TestingHost, two silos, memory grain storage), and the cluster's
/// deliberate differences from one manager, each a named test (docs/cluster.md, "What differs from one manager").
/// </summary>
public sealed class ClusterContractTests(ClusterFixture cluster) : ManagerContract, IClassFixture<ClusterFixture>
{
    protected override Manager Manager => cluster.Manager;

    protected override Task<Manager> ConnectAnotherAsync(CancellationToken cancellationToken)
        => OrleansManager.ConnectAsync(cluster.Address, cancellationToken);

    [Fact(Timeout = 30_000)]
    public async Task DisposingAProxy_ReleasesNothing_TheObjectLivesUntilDeleted()
    {
        string tag = UniqueName("no-refcount");
        ITracked tracked = await Manager.CreateAsync<ITracked>([tag], TestTimeout.Token());
        SharedObject handle = SharedObject.FromProxy(tracked);
        (long id, string typeId) = (handle.ObjectId, handle.TypeId);

        // The only proxy there is: no name, no other object and no other connection holds the object.
        handle.Dispose();
        // A manager reads a connection's frames in order: once a later call on the same connection is
        // answered, it has taken the release, and the last one removes and disposes the object.
        ITracked after = await Manager.CreateAsync<ITracked>([UniqueName("after")], TestTimeout.Token());
        Assert.NotNull(after.Tag);

        // Adopt the id as a worker adopts a reference handed over to it (on a cluster the token is the id).
        ICallChannel channel = SharedObject.FromProxy(after).Channel;
        ITracked adopted = channel.Adopt(new HandoverDescriptor(channel.Address, [], id.ToString(CultureInfo.InvariantCulture), typeId)).As<ITracked>();
        Assert.Equal(tag, adopted.Tag);
        Assert.False(Tracked.WasDisposed(tag));

        // The silos run in this process, so the disposal the manager would have made is visible once it happens.
        Assert.True(await OrleansManager.DeleteAsync(adopted, TestTimeout.Token()));
        await TestTimeout.UntilAsync(() => Task.FromResult(Tracked.WasDisposed(tag)), because: "a deleted object is disposed");
    }

    [Fact(Timeout = 30_000)]
    public async Task DeleteAsync_ThenCall_ThrowsKeyNotFound()
    {
        IEmployee erin = await Manager.CreateAsync<IEmployee>(["Erin", 1m], TestTimeout.Token());

        Assert.True(await OrleansManager.DeleteAsync(erin, TestTimeout.Token()));

        Assert.Throws<KeyNotFoundException>(() => erin.Raise(1m));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => erin.RaiseAsync(1m));
        Assert.False(await OrleansManager.DeleteAsync(erin, TestTimeout.Token()));
    }

    [Fact(Timeout = 15_000)]
    public async Task SyncCycle_FailsFastWithAClearError_NotAfterTheResponseTimeout()
    {
        (ITeam a, _) = await TeamPairAsync();

        // Bounded below Orleans' 30 s response timeout by the test's own timeout.
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => a.Bounce(2));

        Assert.Contains("cannot re-enter an object up its own call chain", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15_000)]
    public async Task AsyncCallBackIntoAnObjectBlockedInASyncCall_FailsFast()
    {
        // a blocks in a synchronous call of b.Relay; b awaits a.BounceAsync: a's turn cannot run it.
        (ITeam a, _) = await TeamPairAsync();

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => a.CallPartnerRelay());

        Assert.Contains("blocks in a synchronous call up this call chain", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task DeleteAsync_OfAnObjectUpItsOwnCallChain_IsRefusedAsAUsageError_AndTheObjectLivesOn()
    {
        (ITeam a, ITeam b) = await TeamPairAsync();

        // b deletes a while a's call (which awaits b) is running: a usage error, not the cluster's unavailability.
        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(() => a.AskPartnerToDeleteThisAsync());

        Assert.Contains("cannot be deleted from inside its own call chain", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, await a.BounceAsync(3));
        Assert.True(await b.DeletePartnerAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task TwoParallelCallsThatComeBack_RunOneAtATime_InTheObjectThatWaitsForThem()
    {
        // a awaits b and c at once; both call back into a: each is nested in a's turn, but they must not overlap.
        string tag = UniqueName("fan-out");
        IOverlapProbe a = await Manager.CreateAsync<IOverlapProbe>([tag], TestTimeout.Token());
        IOverlapProbe b = await Manager.CreateAsync<IOverlapProbe>([UniqueName("b")], TestTimeout.Token());
        IOverlapProbe c = await Manager.CreateAsync<IOverlapProbe>([UniqueName("c")], TestTimeout.Token());
        b.Partner = a;
        c.Partner = a;

        // Each call back stays inside a until the other comes in too, or for 1.5 s when it stays alone.
        await a.FanOutAsync(b, c, holdMilliseconds: 1_500).WaitAsync(TestTimeout.Token());

        Assert.Equal(2, OverlapProbe.Ended(tag));
        Assert.Equal(1, OverlapProbe.MostInside(tag));
    }

    [Fact(Timeout = 30_000)]
    public async Task ACallStartedByAMethodThatReturned_WaitsItsTurn_InsteadOfEnteringTheObject()
    {
        // a starts b.CallBackWhenReleasedAsync without awaiting it and returns; b calls back once a is held by another call.
        string tag = UniqueName("un-awaited");
        string bTag = UniqueName("b");
        IOverlapProbe a = await Manager.CreateAsync<IOverlapProbe>([tag], TestTimeout.Token());
        IOverlapProbe b = await Manager.CreateAsync<IOverlapProbe>([bTag], TestTimeout.Token());
        b.Partner = a;
        a.Partner = b;
        a.StartCallBack(holdMilliseconds: 1_500);

        Task holding = a.HoldAsync(1_500);
        await TestTimeout.UntilAsync(() => Task.FromResult(OverlapProbe.Inside(tag) == 1), because: "the client's call holds a");
        OverlapProbe.Release(bTag);
        await holding.WaitAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(OverlapProbe.Ended(tag) == 2), because: "b's call back ends");

        Assert.Equal(1, OverlapProbe.MostInside(tag));
    }

    [Fact(Timeout = 30_000)]
    public async Task GetStatsAsync_IsNotServedByACluster()
        => await Assert.ThrowsAsync<NotSupportedException>(() => Manager.GetStatsAsync(TestTimeout.Token()));
}
