using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>Reaching a cluster by an <c>orleans://</c> address: through <see cref="OrleansManager"/> and through <see cref="Manager.ConnectAsync(string, ReadOnlyMemory{byte}, ConnectOptions?, CancellationToken)"/>.</summary>
public sealed class ConnectByAddressTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task ConnectAsync_ByAddress_SharesObjectsWithAnotherClient()
    {
        await using Manager byAddress = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        IEmployee grace = await byAddress.CreateAsync<IEmployee>(["Grace", 1m], TestTimeout.Token());
        string name = $"grace-{Guid.NewGuid():N}";
        await byAddress.PublishAsync(name, grace, TestTimeout.Token());

        IEmployee seen = await cluster.Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());
        seen.Raise(4m);

        Assert.Equal(5m, grace.Salary);
        Assert.StartsWith("orleans://", byAddress.Address, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task AfterTheManagerIsDisposed_ItsProxiesFailAsUnavailable_AsAManagersDo()
    {
        Manager byAddress = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        IEmployee ada = await byAddress.CreateAsync<IEmployee>(["Ada", 1m], TestTimeout.Token());
        string name = $"ada-{Guid.NewGuid():N}";
        await byAddress.PublishAsync(name, ada, TestTimeout.Token());

        await byAddress.DisposeAsync();

        Assert.Throws<ManagerUnavailableException>(() => ada.Salary);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => ada.RaiseAsync(1m));
        // The object itself lives on in the cluster: only this client's channel is closed.
        IEmployee same = await cluster.Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());
        Assert.Equal(1m, same.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task ControlCalls_HonourTheCallersToken()
    {
        Manager manager = cluster.Manager;
        IEmployee eve = await manager.CreateAsync<IEmployee>(["Eve", 1m], TestTimeout.Token());
        string name = $"eve-{Guid.NewGuid():N}";
        await manager.PublishAsync(name, eve, TestTimeout.Token());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.LookupAsync<IEmployee>(name, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.UnpublishAsync(name, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.CreateAsync<IEmployee>(["Mallory", 1m], cancelled.Token));

        // Nothing was undone by the cancelled unpublish.
        Assert.Equal(1m, (await manager.LookupAsync<IEmployee>(name, TestTimeout.Token())).Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task ManagerConnectAsync_OrleansScheme_IsServedByThisPackage()
    {
        await using Manager manager = await Manager.ConnectAsync(cluster.Address, ReadOnlyMemory<byte>.Empty, cancellationToken: TestTimeout.Token());

        ICounter counter = await manager.CreateAsync<ICounter>([], TestTimeout.Token());

        Assert.Equal(1, counter.IncrementSlowly());
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyOfOneClient_PassedThroughAnother_StaysAReference()
    {
        await using Manager other = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        IEmployee boss = await cluster.Manager.CreateAsync<IEmployee>(["Boss", 1m], TestTimeout.Token());
        IEmployee worker = await other.CreateAsync<IEmployee>(["Worker", 1m], TestTimeout.Token());

        worker.Manager = boss;

        Assert.Equal(SharedObject.FromProxy(boss).ObjectId, SharedObject.FromProxy(worker.Manager!).ObjectId);
    }
}
