using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Multiproc.Orleans.Grains;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>
/// A two-silo cluster with short timeouts, so the waiting built-ins' slices and leases show in a test:
/// Orleans' response timeout is 8 s (a wait slice is a third of it), a session lease and a queue item lease 2 s.
/// </summary>
public sealed class WaitingClusterFixture : IAsyncLifetime
{
    /// <summary>Orleans' response timeout on the silos and the test client.</summary>
    /// <remarks>Short, but with room for a slice's reply on a loaded machine (3 s and 5 s were seen to time out with every test class running on a loaded machine).</remarks>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The session lease and queue item lease of the silos.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    private Manager? _manager;

    public WaitingClusterFixture()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
    }

    public TestCluster Cluster { get; }

    /// <summary>Gets the manager over the cluster's test client.</summary>
    public Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Gets the address of the primary gateway (as a worker or a second client connects).</summary>
    public string Address
        => $"{OrleansManager.Scheme}://127.0.0.1:{GatewayPort}/{Cluster.Options.ClusterId}/{Cluster.Options.ServiceId}";

    /// <summary>Gets the primary gateway's port.</summary>
    public int GatewayPort => (Cluster.Primary?.GatewayAddress ?? throw new InvalidOperationException("The cluster is not deployed.")).Endpoint.Port;

    /// <summary>Counts the calls running on a waiting built-in's grain (a wait in progress, or none left behind).</summary>
    internal Task<int> CallsInProgressAsync(object proxy)
        => Cluster.Client.GetGrain<IWaitingObjectGrain>(SharedObject.FromProxy(proxy).ObjectId).CountCallsInProgressAsync();

    /// <summary>Waits until the grain runs <paramref name="expected"/> calls (bounded by the token).</summary>
    internal async Task WaitForCallsInProgressAsync(object proxy, int expected, CancellationToken cancellationToken)
    {
        while (await CallsInProgressAsync(proxy) != expected)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The same object through another client's manager (by a published name).</summary>
    public async Task<T> LookUpAsync<T>(Manager other, object proxy)
        where T : class
    {
        string name = $"waiting-{Guid.NewGuid():N}";
        await Manager.PublishAsync(name, proxy, TestTimeout.Token());
        return await other.LookupAsync<T>(name, TestTimeout.Token());
    }

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        _manager = OrleansManager.Connect(Cluster.Client);
    }

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder
                .AddMemoryGrainStorageAsDefault()
                .UseMultiproc(_ => { })
                .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            siloBuilder.Services.Configure<WaitingObjectOptions>(o =>
            {
                o.SessionLease = Lease;
                o.QueueItemLease = Lease;
            });
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
            => clientBuilder.Configure<ClientMessagingOptions>(o =>
            {
                o.ResponseTimeout = ResponseTimeout;
                o.CancelRequestOnTimeout = true;
            });
    }
}
