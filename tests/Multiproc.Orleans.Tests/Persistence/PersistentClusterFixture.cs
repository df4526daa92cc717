using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;
using Orleans.Runtime;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A cluster of two in-process silos whose objects are persisted in a real redis-server of the test's own
/// (Orleans' Redis grain storage, named "multiproc"); <see cref="ICounter"/> is volatile, and so are the type ids given
/// to the constructor; results are limited to 1 MiB; a taken queue item waits a minute for its acknowledgement (so a
/// test sees who gives it back). One per test class: its tests kill silos.
/// </summary>
/// <param name="volatileTypeIds">Further type ids (built-ins' included) to keep in memory only.</param>
public sealed class PersistentClusterFixture(params string[] volatileTypeIds) : IAsyncLifetime
{
    /// <summary>How long a taken queue item waits for its acknowledgement on these silos.</summary>
    public static readonly TimeSpan QueueItemLease = TimeSpan.FromMinutes(1);

    private const string RedisKey = "MultiprocTests:Redis";
    private const string VolatileKey = "MultiprocTests:Volatile";
    private RedisServer? _redis;
    private Manager? _manager;

    public TestCluster Cluster { get; private set; } = null!;

    public Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(TestTimeout.Token(30));
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [RedisKey] = _redis.Address,
            [VolatileKey] = string.Join(',', volatileTypeIds),
        }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        _manager = OrleansManager.Connect(Cluster.Client);
    }

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .ConfigureServices(services => services.Configure<WaitingObjectOptions>(o => o.QueueItemLease = QueueItemLease))

            // Random placement: Orleans' default (resource-optimized) may put every object of a burst on one silo,
            // and the tests need objects on both.
            .ConfigureServices(services => services.AddSingleton<PlacementStrategy, RandomPlacement>())
            .AddRedisGrainStorage(MultiprocSiloOptions.DefaultStorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(siloBuilder.Configuration[RedisKey]!))
            .UseMultiproc(
                options => options
                    .Register<IEmployee, Employee>()
                    .Register<ICounter, RacyCounter>()
                    .Register<ITeam, Team>(),
                cluster =>
                {
                    cluster.Volatile<ICounter>();
                    foreach (string typeId in (siloBuilder.Configuration[VolatileKey] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        cluster.Volatile(typeId);
                    }

                    cluster.MaxResultBytes = 1024 * 1024;
                });
    }
}
