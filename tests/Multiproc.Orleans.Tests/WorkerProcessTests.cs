using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>A worker process given a proxy of a cluster reconnects to the cluster from the proxy's address.</summary>
public sealed class WorkerProcessTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 60_000)]
    public async Task Worker_GivenAClusterProxy_CallsTheSameObject()
    {
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        IEmployee judy = await manager.CreateAsync<IEmployee>(["Judy", 1m], TestTimeout.Token());

        WorkerProcess<decimal> worker = WorkerProcess.Start(RaiseInWorker, judy);
        decimal raised = await worker.Result.WaitAsync(TestTimeout.Token(50));
        // The Orleans client the worker started must not keep it alive.
        await worker.WaitForExitAsync(TestTimeout.Token(20));

        Assert.Equal(11m, raised);
        Assert.Equal(0, worker.ExitCode);
        Assert.Equal(11m, judy.Salary);
    }

    [Fact(Timeout = 90_000)]
    public async Task ProcessPool_GivenClusterProxies_MapsOverThem_InItsWorkers()
    {
        await using Manager manager = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => manager.CreateAsync<IEmployee>([$"P{i}", 1m], TestTimeout.Token())));
        await using ProcessPool pool = await ProcessPool.StartAsync(workerCount: 2, cancellationToken: TestTimeout.Token(60));

        decimal[] raised = await pool.MapAsync(RaiseInWorker, staff, chunkSize: 1, cancellationToken: TestTimeout.Token(80));

        Assert.All(raised, r => Assert.Equal(11m, r));
        Assert.All(staff, e => Assert.Equal(11m, e.Salary));
    }

    private static decimal RaiseInWorker(IEmployee employee) => employee.Raise(10m);
}
