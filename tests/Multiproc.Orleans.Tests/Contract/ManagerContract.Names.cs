using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>Names, second connections and worker processes.</summary>
public abstract partial class ManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task PublishAndLookup_FromAnotherConnection_ReachTheSameObject_UntilUnpublished()
    {
        string name = UniqueName("dave");
        IEmployee dave = await Manager.CreateAsync<IEmployee>(["Dave", 7m], TestTimeout.Token());
        await Manager.PublishAsync(name, dave, TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());

        IEmployee found = await other.LookupAsync<IEmployee>(name, TestTimeout.Token());
        found.Raise(3m);

        Assert.Equal(10m, dave.Salary);
        Assert.Equal(SharedObject.FromProxy(dave).ObjectId, SharedObject.FromProxy(found).ObjectId);
        Assert.True(await other.UnpublishAsync(name, TestTimeout.Token()));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Manager.LookupAsync<IEmployee>(name, TestTimeout.Token()));
        Assert.Equal(11m, dave.Raise(1m));
    }

    [Fact(Timeout = 30_000)]
    public async Task LookupOrUnpublish_UnknownName_ThrowsKeyNotFound_OrReturnsFalse()
    {
        string name = UniqueName("nobody");

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Manager.LookupAsync<IEmployee>(name, TestTimeout.Token()));
        Assert.False(await Manager.UnpublishAsync(name, TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task Publish_TakenName_ReplacesTheBinding()
    {
        string name = UniqueName("seat");
        IEmployee first = await Manager.CreateAsync<IEmployee>(["First", 1m], TestTimeout.Token());
        IEmployee second = await Manager.CreateAsync<IEmployee>(["Second", 2m], TestTimeout.Token());

        await Manager.PublishAsync(name, first, TestTimeout.Token());
        await Manager.PublishAsync(name, second, TestTimeout.Token());

        Assert.Equal("Second", (await Manager.LookupAsync<IEmployee>(name, TestTimeout.Token())).Name);
        Assert.Equal("First", first.Name);
    }

    [Fact(Timeout = 30_000)]
    public async Task TryPublish_RacingPublishers_ExactlyOneWins_AndTheNameKeepsIt()
    {
        string name = UniqueName("race");
        IEmployee first = await Manager.CreateAsync<IEmployee>(["First", 1m], TestTimeout.Token());
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        IEmployee second = await other.CreateAsync<IEmployee>(["Second", 2m], TestTimeout.Token());

        bool[] results = await Task.WhenAll(
            Manager.TryPublishAsync(name, first, TestTimeout.Token()),
            other.TryPublishAsync(name, second, TestTimeout.Token()));
        IEmployee bound = await Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());

        Assert.Single(results, r => r);
        Assert.Equal(results[0] ? "First" : "Second", bound.Name);
        // Publishing the object the name already holds is not a conflict.
        Assert.True(await Manager.TryPublishAsync(name, bound, TestTimeout.Token()));
        IEmployee third = await Manager.CreateAsync<IEmployee>(["Third", 3m], TestTimeout.Token());
        Assert.False(await Manager.TryPublishAsync(name, third, TestTimeout.Token()));
        await Manager.UnpublishAsync(name, TestTimeout.Token());
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyOfOneConnection_PassedThroughAnother_StaysAReference()
    {
        await using Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        IEmployee boss = await Manager.CreateAsync<IEmployee>(["Boss", 1m], TestTimeout.Token());
        IEmployee worker = await other.CreateAsync<IEmployee>(["Worker", 1m], TestTimeout.Token());

        worker.Manager = boss;
        worker.Manager!.Raise(2m);

        Assert.Equal(SharedObject.FromProxy(boss).ObjectId, SharedObject.FromProxy(worker.Manager!).ObjectId);
        Assert.Equal(3m, boss.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task AfterAConnectionIsDisposed_ItsProxiesFailAsUnavailable_APublishedObjectLivesOn()
    {
        Manager other = await ConnectAnotherAsync(TestTimeout.Token());
        IEmployee ada = await other.CreateAsync<IEmployee>(["Ada", 1m], TestTimeout.Token());
        string name = UniqueName("ada");
        await other.PublishAsync(name, ada, TestTimeout.Token());

        await other.DisposeAsync();

        Assert.Throws<ManagerUnavailableException>(() => ada.Salary);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => ada.RaiseAsync(1m));
        IEmployee same = await Manager.LookupAsync<IEmployee>(name, TestTimeout.Token());
        Assert.Equal(1m, same.Salary);
        await Manager.UnpublishAsync(name, TestTimeout.Token());
    }

    [Fact(Timeout = 60_000)]
    public async Task WorkerProcess_GivenAProxy_CallsTheSameObject_AndExitsCleanly()
    {
        // A connection with an address a worker can reconnect from (a cluster client made over an
        // existing IClusterClient has none).
        await using Manager manager = await ConnectAnotherAsync(TestTimeout.Token());
        IEmployee judy = await manager.CreateAsync<IEmployee>(["Judy", 1m], TestTimeout.Token());

        await using WorkerProcess<decimal> worker = WorkerProcess.Start(RaiseInWorker, judy);
        decimal raised = await worker.Result.WaitAsync(TestTimeout.Token(50));
        // Nothing the worker connected to (a manager connection, an Orleans client) may keep it alive.
        await worker.WaitForExitAsync(TestTimeout.Token(20));

        Assert.Equal(11m, raised);
        Assert.Equal(0, worker.ExitCode);
        Assert.Equal(11m, judy.Salary);
    }

    [Fact(Timeout = 90_000)]
    public async Task ProcessPool_GivenProxies_MapsOverThem_InItsWorkers()
    {
        await using Manager manager = await ConnectAnotherAsync(TestTimeout.Token());
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => manager.CreateAsync<IEmployee>([$"P{i}", 1m], TestTimeout.Token())));
        await using ProcessPool pool = await ProcessPool.StartAsync(workerCount: 2, cancellationToken: TestTimeout.Token(60));

        decimal[] raised = await pool.MapAsync(RaiseInWorker, staff, chunkSize: 1, cancellationToken: TestTimeout.Token(80));

        Assert.All(raised, r => Assert.Equal(11m, r));
        Assert.All(staff, e => Assert.Equal(11m, e.Salary));
    }

    private static decimal RaiseInWorker(IEmployee employee) => employee.Raise(10m);
}
