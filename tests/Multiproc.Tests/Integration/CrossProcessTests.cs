using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Integration;

/// <summary>Real OS processes on both ends of the socket.</summary>
[Trait("Kind", "Process")]
public class CrossProcessTests
{
    [Fact(Timeout = 60_000)]
    public async Task SecondProcess_ConnectsByAddressAndKey_AndCallsMethods()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        IEmployee alice = await manager.CreateAsync<IEmployee>("Alice", 100m);
        await manager.PublishAsync("alice", alice);

        using PeerProcess peer = PeerProcess.Start("client", manager.Address, Convert.ToHexString(manager.AuthKey.Span), "alice");
        string line = await peer.ReadLineAsync(TestTimeout.Token(40));
        Assert.Equal(0, await peer.WaitForExitAsync(TestTimeout.Token(20)));

        Assert.StartsWith("raised Alice to 110", line, StringComparison.Ordinal);
        Assert.Equal(110m, alice.Salary);
        IEmployee fromPeer = await manager.LookupAsync<IEmployee>("from-peer");
        Assert.Equal("Peer", fromPeer.Name);
        Assert.Equal("Alice", fromPeer.Manager!.Name);
    }

    [Fact(Timeout = 60_000)]
    public async Task SecondProcess_OverTcp_ConnectsAndCalls()
    {
        var options = TestOptions.Create();
        options.Address = "tcp://127.0.0.1:0";
        await using Manager manager = await Manager.StartAsync(options);
        await manager.PublishAsync("bob", await manager.CreateAsync<IEmployee>("Bob", 0m));

        using PeerProcess peer = PeerProcess.Start("client", manager.Address, Convert.ToHexString(manager.AuthKey.Span), "bob");
        Assert.StartsWith("raised Bob to 10", await peer.ReadLineAsync(TestTimeout.Token(40)), StringComparison.Ordinal);
        Assert.Equal(0, await peer.WaitForExitAsync(TestTimeout.Token(20)));
    }

    [Fact(Timeout = 60_000)]
    public async Task KilledClientProcess_ReleasesItsReferences()
    {
        await using Manager manager = await Manager.StartAsync(TestOptions.Create());
        ITracked tracked = await manager.CreateAsync<ITracked>("held-by-peer");
        await manager.PublishAsync("held", tracked);
        using PeerProcess peer = PeerProcess.Start("hold", manager.Address, Convert.ToHexString(manager.AuthKey.Span), "held");
        Assert.Equal("holding", await peer.ReadLineAsync(TestTimeout.Token(40)));
        Assert.Equal(2, (await manager.GetStatsAsync()).ConnectionCount);

        peer.Kill();

        await TestTimeout.UntilAsync(async () => (await manager.GetStatsAsync()).ConnectionCount == 1);
        ((IDisposable)tracked).Dispose();
        Assert.True(await manager.UnpublishAsync("held"));
        await TestTimeout.UntilAsync(async () => (await manager.GetStatsAsync()).ObjectCount == 0, because: "the killed peer's reference must be gone");
    }

    [Fact(Timeout = 60_000)]
    public async Task ManagerProcessKilledMidCall_FailsTheCallFast()
    {
        using PeerProcess server = PeerProcess.Start("serve");
        string address = await server.ReadLineAsync(TestTimeout.Token(40));
        byte[] key = Convert.FromHexString(await server.ReadLineAsync(TestTimeout.Token(5)));
        await using Manager client = await Manager.ConnectAsync(address, key);
        IEmployee employee = await client.CreateAsync<IEmployee>("Doomed");
        Task inFlight = employee.DelayAsync(60_000, CancellationToken.None);

        server.Kill();

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => inFlight.WaitAsync(TestTimeout.Token(10)));
        Assert.Throws<ManagerUnavailableException>(() => employee.Raise(1m));
    }
}
