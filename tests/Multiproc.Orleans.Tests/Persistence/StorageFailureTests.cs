using Microsoft.Extensions.DependencyInjection;
using Multiproc.Tests.Fixtures;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// When a storage write fails, the call whose change it held fails as unavailable, and no state that storage does not
/// hold is ever seen afterwards: the object comes back with its last stored state. A failed delete leaves the object.
/// </summary>
/// <remarks>Its own one-silo cluster: its storage (<see cref="FailingStorage"/>, one per process) is switched to fail.</remarks>
public sealed class StorageFailureTests : IAsyncLifetime
{
    private static readonly FailingStorageHolder s_storage = new();
    private TestCluster? _cluster;
    private Manager? _manager;

    private Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _manager = OrleansManager.Connect(_cluster.Client);
    }

    public async Task DisposeAsync()
    {
        s_storage.Storage?.FailWrites = false;
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFails_TheCallFailsAsUnavailable_AndTheObjectComesBackWithItsLastStoredState()
    {
        IEmployee ann = await Manager.CreateAsync<IEmployee>(["Ann", 1000m], TestTimeout.Token());
        ann.Raise(1m);

        s_storage.Storage!.FailWrites = true;
        Assert.Throws<ManagerUnavailableException>(() => ann.Raise(10m));
        s_storage.Storage.FailWrites = false;

        // The raise that was not stored is never seen: the object is read back from storage (a call meanwhile may be
        // refused as unavailable while the failed activation goes, never answered from its memory).
        Assert.Equal(1001m, await AnswerAsync(() => ann.Salary));
        Assert.Equal(1003m, ann.Raise(2m));
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteWhoseTombstoneIsNotStored_Fails_AndTheObjectLivesOn()
    {
        IEmployee bob = await Manager.CreateAsync<IEmployee>(["Bob", 5m], TestTimeout.Token());

        s_storage.Storage!.FailWrites = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => OrleansManager.DeleteAsync(bob, TestTimeout.Token()));
        s_storage.Storage.FailWrites = false;

        Assert.Equal(5m, await AnswerAsync(() => bob.Salary));
        Assert.Equal(6m, bob.Raise(1m));
        // What storage holds says the object lives: the unstored tombstone did not ride along with the next write.
        Assert.DoesNotContain(s_storage.Storage.States.OfType<Silo.ObjectRecord>(), r => r.Deleted);
        Assert.True(await OrleansManager.DeleteAsync(bob, TestTimeout.Token()));
        Assert.Throws<KeyNotFoundException>(() => bob.Salary);
    }

    private static async Task<T> AnswerAsync<T>(Func<T> call)
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

    private sealed class FailingStorageHolder
    {
        public FailingStorage? Storage { get; set; }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .ConfigureServices(services => services.AddKeyedSingleton<IGrainStorage>(
                MultiprocSiloOptions.DefaultStorageName,
                (provider, _) => s_storage.Storage = new FailingStorage(provider.GetRequiredService<DeepCopier>())))
            .UseMultiproc(options => options.Register<IEmployee, Employee>());
    }
}
