using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>The public API of <see cref="Manager"/> over a two-silo cluster: registered classes, references, names.</summary>
public sealed class OrleansManagerTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_TypedProxy_SyncAndAsyncCallsReachTheOneObject()
    {
        Manager manager = cluster.Manager;

        IEmployee alice = await manager.CreateAsync<IEmployee>(["Alice", 100m], TestTimeout.Token());
        decimal afterSync = alice.Raise(10m);
        decimal afterAsync = await alice.RaiseAsync(5m);
        alice.Salary = alice.Salary + 1m;

        Assert.Equal(110m, afterSync);
        Assert.Equal(115m, afterAsync);
        Assert.Equal(116m, alice.Salary);
        Assert.Equal("Alice", alice.Name);
        Assert.Equal("Alice earns 116", await alice.DescribeAsync());
        Assert.Equal(121m, alice.Raise(4, roundUp: true));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_ManyObjects_EachKeepsItsOwnState()
    {
        Manager manager = cluster.Manager;

        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => manager.CreateAsync<IEmployee>([$"E{i}", (decimal)i], TestTimeout.Token())));
        await Task.WhenAll(staff.Select(e => e.RaiseAsync(1000m)));

        Assert.Equal(20, staff.Select(e => SharedObject.FromProxy(e).ObjectId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 1000m + i), staff.Select(e => e.Salary));
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyAsArgument_IsStoredAsReference_AndComesBackAsAProxyToTheSameObject()
    {
        Manager manager = cluster.Manager;
        IEmployee bob = await manager.CreateAsync<IEmployee>(["Bob", 1m], TestTimeout.Token());
        IEmployee boss = await manager.CreateAsync<IEmployee>(["Boss", 500m], TestTimeout.Token());

        bob.Manager = boss;
        IEmployee returned = bob.Manager!;
        returned.Raise(50m);

        Assert.Equal(SharedObject.FromProxy(boss).ObjectId, SharedObject.FromProxy(returned).ObjectId);
        Assert.Equal(550m, boss.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task ObjectCallsAnotherObject_SyncAndAsync_ThroughTheReferenceItHolds()
    {
        Manager manager = cluster.Manager;
        ITeam team = await manager.CreateAsync<ITeam>([], TestTimeout.Token());
        IEmployee lead = await manager.CreateAsync<IEmployee>(["Lead", 10m], TestTimeout.Token());
        team.Lead = lead;

        Assert.Equal(15m, team.RaiseLead(5m));
        Assert.Equal(22m, await team.RaiseLeadAsync(7m));
        Assert.Equal(22m, lead.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConcurrentCalls_OnOneObject_NeverOverlap()
    {
        Manager manager = cluster.Manager;
        ICounter counter = await manager.CreateAsync<ICounter>([], TestTimeout.Token());

        // RacyCounter's increment is a read-spin-write: any overlap loses an increment.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 25; i++)
            {
                counter.IncrementSlowly();
            }
        })));

        Assert.Equal(200, counter.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task RemoteException_BclType_IsRethrownAsItself_OthersAsRemoteException()
    {
        IEmployee carol = await cluster.Manager.CreateAsync<IEmployee>(["Carol", 1m], TestTimeout.Token());

        ArgumentException argument = Assert.Throws<ArgumentException>(() => carol.Fail("argument"));
        RemoteException custom = Assert.Throws<RemoteException>(() => carol.Fail("custom"));

        Assert.Contains("bad argument from Fail", argument.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(CustomFailureException).FullName, custom.RemoteTypeName);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_UnregisteredTypeOrWrongArguments_ThrowsArgumentOrMissingMethod()
    {
        Manager manager = cluster.Manager;

        await Assert.ThrowsAsync<ArgumentException>(() => manager.CreateAsync("No.Such.Type", [], TestTimeout.Token()));
        await Assert.ThrowsAsync<MissingMethodException>(() => manager.CreateAsync<IEmployee>([1, 2, 3], TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task PublishAndLookup_FromAnotherManager_ReachTheSameObject()
    {
        string name = $"dave-{Guid.NewGuid():N}";
        IEmployee dave = await cluster.Manager.CreateAsync<IEmployee>(["Dave", 7m], TestTimeout.Token());
        await cluster.Manager.PublishAsync(name, dave, TestTimeout.Token());

        IEmployee found = await cluster.Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());
        found.Raise(3m);

        Assert.Equal(10m, dave.Salary);
        Assert.True(await cluster.Manager.UnpublishAsync(name, TestTimeout.Token()));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Manager.LookupAsync<IEmployee>(name, TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task TryPublish_NameTakenByAnotherObject_ReturnsFalseAndKeepsTheFirst()
    {
        string name = $"race-{Guid.NewGuid():N}";
        Manager manager = cluster.Manager;
        IEmployee first = await manager.CreateAsync<IEmployee>(["First", 1m], TestTimeout.Token());
        IEmployee second = await manager.CreateAsync<IEmployee>(["Second", 2m], TestTimeout.Token());

        bool[] results = await Task.WhenAll(
            manager.TryPublishAsync(name, first, TestTimeout.Token()),
            manager.TryPublishAsync(name, second, TestTimeout.Token()));
        IEmployee bound = await manager.LookupAsync<IEmployee>(name, TestTimeout.Token());

        Assert.Single(results, r => r);
        Assert.Equal(results[0] ? "First" : "Second", bound.Name);
        Assert.True(await manager.TryPublishAsync(name, bound, TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task DeleteAsync_ThenCall_ThrowsKeyNotFound()
    {
        IEmployee erin = await cluster.Manager.CreateAsync<IEmployee>(["Erin", 1m], TestTimeout.Token());

        Assert.True(await OrleansManager.DeleteAsync(erin, TestTimeout.Token()));

        Assert.Throws<KeyNotFoundException>(() => erin.Raise(1m));
        Assert.False(await OrleansManager.DeleteAsync(erin, TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task DisposingAProxy_ReleasesNothing_TheObjectLivesUntilDeleted()
    {
        IEmployee frank = await cluster.Manager.CreateAsync<IEmployee>(["Frank", 1m], TestTimeout.Token());
        long id = SharedObject.FromProxy(frank).ObjectId;
        string name = $"frank-{Guid.NewGuid():N}";
        await cluster.Manager.PublishAsync(name, frank, TestTimeout.Token());

        SharedObject.FromProxy(frank).Dispose();
        IEmployee again = await cluster.Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());

        Assert.Equal(id, SharedObject.FromProxy(again).ObjectId);
        Assert.Equal(2m, again.Raise(1m));
    }

    [Fact(Timeout = 30_000)]
    public async Task CancellingAnAsyncCall_ReachesTheObject_WhichIsFreeForTheNextCall()
    {
        IEmployee ivan = await cluster.Manager.CreateAsync<IEmployee>(["Ivan", 1m], TestTimeout.Token());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ivan.DelayAsync(60_000, cancel.Token));

        // Had the cancellation not reached the grain, its turn would still be in the 60 s delay.
        Assert.Equal("Ivan earns 1", await ivan.DescribeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 30_000)]
    public async Task UntypedHandle_CallsByBareMemberName()
    {
        SharedObject judy = await cluster.Manager.CreateAsync(typeof(IEmployee).FullName!, ["Judy", 2m], TestTimeout.Token());

        decimal raised = await judy.InvokeAsync<decimal>("Raise", [3m], TestTimeout.Token());

        Assert.Equal(5m, raised);
        Assert.Equal("Judy", await judy.InvokeAsync<string>("get_Name", [], TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyOfAnotherManager_IsRefusedAsAnArgument()
    {
        await using Manager single = await Manager.StartAsync(new ManagerOptions().Register<IEmployee, Employee>(), TestTimeout.Token());
        IEmployee local = await single.CreateAsync<IEmployee>(["Local", 1m], TestTimeout.Token());
        IEmployee clustered = await cluster.Manager.CreateAsync<IEmployee>(["Clustered", 1m], TestTimeout.Token());

        ArgumentException refused = Assert.Throws<ArgumentException>(() => clustered.Manager = local);

        Assert.Contains("belongs to the manager at", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task GetStatsAsync_IsNotServedByACluster()
        => await Assert.ThrowsAsync<NotSupportedException>(() => cluster.Manager.GetStatsAsync(TestTimeout.Token()));
}
