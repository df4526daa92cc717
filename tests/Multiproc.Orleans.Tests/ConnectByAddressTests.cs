using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>Reaching a cluster by an <c>orleans://</c> address: through <see cref="OrleansManager"/> and through <see cref="Manager.ConnectAsync(string, ReadOnlyMemory{byte}, ConnectOptions?, CancellationToken)"/>.</summary>
/// <remarks>What a second connection shares with the first is tested by the contract suite (<see cref="Contract.ManagerContract"/>).</remarks>
public sealed class ConnectByAddressTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task ConnectAsync_ByAddress_ReportsTheAddressAWorkerReconnectsFrom()
    {
        await using Manager byAddress = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());

        Assert.Equal(cluster.Address, byAddress.Address);
        Assert.True(byAddress.AuthKey.IsEmpty);
    }

    [Fact(Timeout = 30_000)]
    public async Task ManagerConnectAsync_OrleansScheme_IsServedByThisPackage()
    {
        await using Manager manager = await Manager.ConnectAsync(cluster.Address, ReadOnlyMemory<byte>.Empty, cancellationToken: TestTimeout.Token());

        ICounter counter = await manager.CreateAsync<ICounter>([], TestTimeout.Token());

        Assert.Equal(1, counter.IncrementSlowly());
    }
}
