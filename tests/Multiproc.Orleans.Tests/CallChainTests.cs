namespace Multiproc.Orleans.Tests;

/// <summary>Calls between objects that come back to an object up their own chain (A calls B, B calls A).</summary>
public sealed class CallChainTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task AsyncCycle_ReentersTheWaitingObject_AsOnOneManager()
    {
        (ITeam a, _) = await PairAsync();

        Assert.Equal(5, await a.BounceAsync(5));
    }

    [Fact(Timeout = 30_000)]
    public async Task SyncCallsWithoutACycle_Work()
    {
        (ITeam a, _) = await PairAsync();

        Assert.Equal(1, a.Bounce(1));
    }

    [Fact(Timeout = 15_000)]
    public async Task SyncCycle_FailsFastWithAClearError_NotAfterTheResponseTimeout()
    {
        (ITeam a, _) = await PairAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => a.Bounce(2));

        Assert.Contains("cannot re-enter an object up its own call chain", refused.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Took {clock.Elapsed}: it waited for a timeout.");
    }

    [Fact(Timeout = 15_000)]
    public async Task AsyncCallBackIntoAnObjectBlockedInASyncCall_FailsFast()
    {
        // a blocks in a synchronous call of b.Relay; b awaits a.BounceAsync: a's turn cannot run it.
        (ITeam a, _) = await PairAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => a.CallPartnerRelay());

        Assert.Contains("blocks in a synchronous call up this call chain", refused.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Took {clock.Elapsed}: it waited for a timeout.");
    }

    private async Task<(ITeam A, ITeam B)> PairAsync()
    {
        ITeam a = await cluster.Manager.CreateAsync<ITeam>([], TestTimeout.Token());
        ITeam b = await cluster.Manager.CreateAsync<ITeam>([], TestTimeout.Token());
        a.Partner = b;
        b.Partner = a;
        return (a, b);
    }
}
