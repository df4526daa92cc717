using Microsoft.Extensions.DependencyInjection;
using Multiproc.Tests.Fixtures;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A one-silo cluster whose Multiproc storage is a <see cref="FailingStorage"/>, so a test fails a write at a chosen
/// moment, never by timing. A test class holds one per test (a failed write may leave an activation being dropped),
/// and passes its <see cref="IAsyncLifetime"/> calls on.
/// </summary>
/// <remarks>The storage is the silo's own service: each cluster has its own, so test classes may run in parallel.</remarks>
internal sealed class FailingStorageCluster : IAsyncLifetime
{
    private readonly TestCluster _cluster;
    private Manager? _manager;
    private FailingStorage? _storage;

    public FailingStorageCluster()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
    }

    /// <summary>Gets the cluster's test client.</summary>
    public IClusterClient Client => _cluster.Client;

    /// <summary>Gets a manager over the cluster's test client.</summary>
    public Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Gets the silo's storage.</summary>
    public FailingStorage Storage => _storage ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Deploys the cluster.</summary>
    public async Task InitializeAsync()
    {
        await _cluster.DeployAsync();
        _manager = OrleansManager.Connect(_cluster.Client);
        var silo = (InProcessSiloHandle)(_cluster.Primary ?? throw new InvalidOperationException("The cluster has no silo."));
        _storage = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(MultiprocSiloOptions.DefaultStorageName) as FailingStorage
            ?? throw new InvalidOperationException("The silo's Multiproc storage is not the failing storage.");
    }

    /// <summary>Lets every held write store, then stops the silo.</summary>
    public async Task DisposeAsync()
    {
        if (_storage is { } storage)
        {
            storage.FailWrites = false;
            storage.StoreThenFail = false;
            storage.ReleaseAll();
        }

        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
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
