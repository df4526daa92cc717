using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime.Placement;
using StackExchange.Redis;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>
/// A cluster as the process-kill test and the failover tool run it: its own <c>redis-server</c>, two
/// silo host processes (Redis membership and Redis grain storage), and an Orleans client in this process
/// that finds both gateways through Redis, wrapped as a Multiproc <see cref="Manager"/>.
/// </summary>
/// <remarks>Disposing stops the client, kills the silos and Redis, and removes Redis' directory.</remarks>
public sealed class FailoverCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos = [];
    private RedisServer? _redis;
    private IHost? _client;
    private Manager? _manager;

    private FailoverCluster(string clusterId, bool recommendedFailover)
    {
        ClusterId = clusterId;
        RecommendedFailover = recommendedFailover;
    }

    /// <summary>Gets this run's cluster id (unique per run, so runs never share a membership table).</summary>
    public string ClusterId { get; }

    /// <summary>Gets whether the silos and the client run <see cref="FailoverSettings"/>' recommended settings.</summary>
    public bool RecommendedFailover { get; }

    /// <summary>Gets the cluster's <c>orleans+redis://</c> address, from which a client or a worker process connects.</summary>
    public string Address => $"{OrleansManager.RedisScheme}://{Redis.Address}/{ClusterId}/{SiloHostArguments.ServiceId}";

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Not started.");

    /// <summary>Gets the silo processes, in start order.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Gets the Orleans client.</summary>
    public IClusterClient Client => (_client ?? throw new InvalidOperationException("Not started.")).Services.GetRequiredService<IClusterClient>();

    /// <summary>Gets the Multiproc manager over <see cref="Client"/>.</summary>
    public Manager Manager => _manager ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts Redis, <paramref name="siloCount"/> silos and the client.</summary>
    /// <param name="recommendedFailover">Whether the silos and the client use <see cref="FailoverSettings"/>' recommended settings.</param>
    /// <param name="responseTimeout">The client's Orleans response timeout: how long a call to a dead silo may hang before it fails.</param>
    /// <param name="cancellationToken">Bounds the start; everything started so far is stopped when it fires.</param>
    /// <param name="siloCount">The number of silo processes.</param>
    /// <param name="maxProbeTimeout">Replaces the recommended <see cref="FailoverSettings.MaxProbeTimeout"/> on the silos (the tool compares values).</param>
    public static async Task<FailoverCluster> StartAsync(bool recommendedFailover, TimeSpan responseTimeout, CancellationToken cancellationToken, int siloCount = 2, TimeSpan? maxProbeTimeout = null)
    {
        var cluster = new FailoverCluster($"kill-{Guid.NewGuid():N}", recommendedFailover);
        try
        {
            cluster._redis = await RedisServer.StartAsync(cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < siloCount; i++)
            {
                // One after the other: the first silo creates the membership table's version row.
                var arguments = new SiloHostArguments(cluster.Redis.Address, cluster.ClusterId, FreePort.Next(), FreePort.Next(), recommendedFailover, maxProbeTimeout);
                cluster._silos.Add(await SiloProcess.StartAsync(arguments, cancellationToken).ConfigureAwait(false));
            }

            cluster._client = await StartClientAsync(cluster.Redis.Address, cluster.ClusterId, recommendedFailover, responseTimeout, cancellationToken).ConfigureAwait(false);
            cluster._manager = OrleansManager.Connect(cluster.Client);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Returns, for each object id in <paramref name="objectIds"/> that has an activation now, the address of the silo that holds it.</summary>
    public async Task<IReadOnlyDictionary<long, string>> PlacementAsync(IReadOnlyCollection<long> objectIds)
    {
        ArgumentNullException.ThrowIfNull(objectIds);
        var wanted = objectIds.ToHashSet();
        IManagementGrain management = Client.GetGrain<IManagementGrain>(0);
        DetailedGrainStatistic[] activations = await management.GetDetailedGrainStatistics().ConfigureAwait(false);
        var placement = new Dictionary<long, string>();
        foreach (DetailedGrainStatistic activation in activations)
        {
            // An object's grain (SharedObjectGrain), or a waiting built-in's (WaitingObjectGrain).
            if (activation.GrainId.TryGetIntegerKey(out long key, out _) && wanted.Contains(key)
                && (activation.GrainType.Contains("sharedobject", StringComparison.OrdinalIgnoreCase)
                    || activation.GrainType.Contains("waitingobject", StringComparison.OrdinalIgnoreCase)))
            {
                placement[key] = activation.SiloAddress.ToString();
            }
        }

        return placement;
    }

    /// <summary>Runs <paramref name="create"/> with Orleans' placement hint set to <paramref name="silo"/>, so the grain its call activates is placed there.</summary>
    /// <remarks>Orleans' default placement honours the hint for the activating call; check the placement (<see cref="PlacementAsync"/>) where it matters.</remarks>
    /// <exception cref="InvalidOperationException"><paramref name="silo"/> is not an active silo of the cluster.</exception>
    public async Task<T> PlacedOnAsync<T>(SiloProcess silo, Func<Task<T>> create)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(create);
        Dictionary<SiloAddress, SiloStatus> hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        SiloAddress address = hosts.Keys.FirstOrDefault(a => a.ToString() == silo.SiloAddress)
            ?? throw new InvalidOperationException($"{silo.SiloAddress} is not an active silo of {ClusterId}.");
        RequestContext.Set(IPlacementDirector.PlacementHintKey, address);
        try
        {
            return await create().ConfigureAwait(false);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>Picks the silo to kill or freeze: the one that holds most of <paramref name="objectIds"/> (Orleans' default placement may put a burst of creates mostly on one silo).</summary>
    /// <returns>The silo, and which of the ids it holds.</returns>
    public async Task<(SiloProcess Silo, IReadOnlySet<long> Holds)> VictimAsync(IReadOnlyCollection<long> objectIds)
    {
        IReadOnlyDictionary<long, string> placement = await PlacementAsync(objectIds).ConfigureAwait(false);
        SiloProcess silo = _silos.MaxBy(s => placement.Values.Count(address => address == s.SiloAddress))!;
        return (silo, placement.Where(p => p.Value == silo.SiloAddress).Select(p => p.Key).ToHashSet());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync().ConfigureAwait(false);
        }

        if (_client is not null)
        {
            // The silos may be dead or frozen: do not wait for a graceful goodbye.
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _client.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _client.Dispose();
        }

        foreach (SiloProcess silo in _silos)
        {
            await silo.DisposeAsync().ConfigureAwait(false);
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<IHost> StartClientAsync(string redis, string clusterId, bool recommendedFailover, TimeSpan responseTimeout, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client
                .UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis))
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = SiloHostArguments.ServiceId;
                })
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = responseTimeout);
            if (recommendedFailover)
            {
                client.UseRecommendedFailover();
            }
        });
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }
}
