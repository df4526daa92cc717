using Multiproc.Tests.Fixtures;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests;

/// <summary>One in-process Orleans cluster of two silos, shared by the tests of a class, with Multiproc's test types registered.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public ClusterFixture()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        // Real sockets (the default is an in-memory transport), so a client can also connect by address.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
    }

    public TestCluster Cluster { get; }

    /// <summary>Gets a manager over the cluster's own test client.</summary>
    public Manager Manager => OrleansManager.Connect(Cluster.Client);

    /// <summary>Gets the address of the cluster's primary gateway, as a client connects by address.</summary>
    public string Address
        => $"{OrleansManager.Scheme}://127.0.0.1:{(Cluster.Primary?.GatewayAddress ?? throw new InvalidOperationException("The cluster is not deployed.")).Endpoint.Port}/{Cluster.Options.ClusterId}/{Cluster.Options.ServiceId}";

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .AddMemoryGrainStorageAsDefault()
            .UseMultiproc(options => options
                .Register<IEmployee, Employee>()
                .Register<ICounter, RacyCounter>()
                .Register<ITeam, Team>());
    }
}
