using Multiproc.Orleans.Tests.Contract;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests;

/// <summary>
/// One in-process Orleans cluster of two silos, shared by the tests of a class, with Multiproc's test types registered
/// (<see cref="IScratchpad"/> with an idle timeout) and, unless made with <c>persistObjects: false</c>, a memory grain storage under Multiproc's storage name, so the
/// silos persist their objects.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private Manager? _manager;

    public ClusterFixture()
        : this(persistObjects: true)
    {
    }

    /// <summary>Builds the cluster; without <paramref name="persistObjects"/> its silos keep every object in memory only.</summary>
    /// <remarks>Internal: xUnit builds a class fixture through its one public constructor.</remarks>
    internal ClusterFixture(bool persistObjects)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        // Real sockets (the default is an in-memory transport), so a client can also connect by address.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        if (persistObjects)
        {
            builder.AddSiloBuilderConfigurator<ObjectStorageConfigurator>();
        }

        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
    }

    /// <summary>The idle timeout of <see cref="IScratchpad"/> objects on this cluster.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    public TestCluster Cluster { get; }

    /// <summary>Gets the one manager over the cluster's own test client (disposed with the fixture).</summary>
    public Manager Manager => _manager ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Gets the address of the cluster's primary gateway, as a client connects by address.</summary>
    public string Address
        => $"{OrleansManager.Scheme}://127.0.0.1:{(Cluster.Primary?.GatewayAddress ?? throw new InvalidOperationException("The cluster is not deployed.")).Endpoint.Port}/{Cluster.Options.ClusterId}/{Cluster.Options.ServiceId}";

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

    private sealed class ObjectStorageConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddMemoryGrainStorage(MultiprocSiloOptions.DefaultStorageName);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder
            .AddMemoryGrainStorageAsDefault()
            .UseMultiproc(
                options => ContractTypes.Register(options).Register<IScratchpad, Scratchpad>(),
                cluster => cluster.IdleTimeout<IScratchpad>(IdleTimeout));
    }
}
