using Microsoft.Extensions.DependencyInjection;
using Multiproc.Tests.Fixtures;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A one-silo cluster whose Multiproc storage is a <see cref="FailingStorage"/>, so a test fails a write at a chosen
/// moment, never by timing; a test class starts one per test (a failed write may leave an activation being dropped).
/// </summary>
/// <remarks>The storage is the silo's own service: each cluster has its own, so test classes may run in parallel.</remarks>
internal sealed class FailingStorageCluster : IAsyncDisposable
{
    private readonly Manager _manager;

    private FailingStorageCluster(TestCluster cluster)
    {
        Cluster = cluster;
        _manager = OrleansManager.Connect(cluster.Client);
        var silo = (InProcessSiloHandle)(cluster.Primary ?? throw new InvalidOperationException("The cluster has no silo."));
        Storage = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(MultiprocSiloOptions.DefaultStorageName) as FailingStorage
            ?? throw new InvalidOperationException("The silo's Multiproc storage is not the failing storage.");
    }

    /// <summary>Gets the cluster.</summary>
    public TestCluster Cluster { get; }

    /// <summary>Gets a manager over the cluster's test client.</summary>
    public Manager Manager => _manager;

    /// <summary>Gets the silo's storage.</summary>
    public FailingStorage Storage { get; }

    /// <summary>Deploys a cluster.</summary>
    public static async Task<FailingStorageCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        TestCluster cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return new FailingStorageCluster(cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Lets every held write store, then stops the silo.</summary>
    public async ValueTask DisposeAsync()
    {
        Storage.FailWrites = false;
        Storage.StoreThenFail = false;
        Storage.ReleaseAll();
        await _manager.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Calls until the call is answered: after a failed write, a call may be refused as unavailable while the dropped activation goes.</summary>
    public static async Task<T> AnswerAsync<T>(Func<T> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return call();
            }
            catch (ManagerUnavailableException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    /// <summary>Calls until the call says the object is not there (<see cref="KeyNotFoundException"/>), which it returns; an answer fails the test.</summary>
    public static async Task<KeyNotFoundException> AbsentAsync<T>(Func<T> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                T answer = call();
                Assert.Fail($"The object answered {answer}: it should not be there.");
            }
            catch (KeyNotFoundException ex)
            {
                return ex;
            }
            catch (ManagerUnavailableException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    /// <summary>Sends a create to its grain until it is answered: a retried create is refused while an activation that dropped its object goes.</summary>
    public static async Task<byte[]?> CreateUntilAnsweredAsync(Func<Task<byte[]?>> create)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                return await create().WaitAsync(deadline.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .ConfigureServices(services => services.AddKeyedSingleton<IGrainStorage>(
                MultiprocSiloOptions.DefaultStorageName,
                (provider, _) => new FailingStorage(provider.GetRequiredService<DeepCopier>())))
            .UseMultiproc(options => options.Register<IEmployee, Employee>().Register<ILedger, Ledger>());
    }
}
