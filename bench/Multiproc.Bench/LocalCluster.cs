using System.Globalization;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Multiproc.Bench;

/// <summary>Two silos of this executable (<c>cluster-silo</c>) on localhost clustering: silo 1 the primary, silo 2 joins it. Disposing kills both.</summary>
internal sealed class LocalCluster : IDisposable
{
    private readonly List<ChildProcess> _silos = [];
    private readonly List<int> _siloPorts = [];
    private readonly List<int> _gateways = [];

    private LocalCluster(string clusterId)
    {
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    /// <summary>Gets the address a client connects to: both gateways.</summary>
    public string Address => $"orleans://{string.Join(',', _gateways.Select(p => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}")))}/{ClusterId}/{ClusterId}";

    /// <summary>Starts silo 1, waits until it serves, then silo 2.</summary>
    /// <exception cref="InvalidOperationException">A silo exited or did not report ready within <paramref name="timeout"/>.</exception>
    public static async Task<LocalCluster> StartAsync(string clusterId, string storage, TimeSpan timeout)
    {
        var cluster = new LocalCluster(clusterId);
        try
        {
            int primaryPort = await cluster.StartSiloAsync(primaryPort: null, storage, timeout);
            await cluster.StartSiloAsync(primaryPort, storage, timeout);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Which silo (1 or 2) runs in process <paramref name="processId"/>; 0 if neither.</summary>
    public int SiloOf(int processId) => _silos.FindIndex(s => s.Id == processId) + 1;

    /// <summary>The silo-to-silo port of silo <paramref name="silo"/> (1 or 2): the port of its Orleans <c>SiloAddress</c>.</summary>
    public int SiloPort(int silo) => _siloPorts[silo - 1];

    /// <summary>An Orleans client for both gateways, started, that sends every grain's calls through one gateway.</summary>
    /// <remarks>
    /// Orleans maps each grain to a gateway by a hash bucket, so with two gateways one grain's calls may enter the cluster
    /// at the silo that hosts it and another's at the other silo, one hop more. The bench compares two grains on one
    /// silo: with a single bucket both take the same route, and the comparison is the grains', not the hash's.
    /// </remarks>
    public async Task<IHost> StartClientAsync()
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. _gateways.Select(p => new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, p))])
            .Configure<ClientMessagingOptions>(o => o.ClientSenderBuckets = 1)
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = ClusterId;
            }));
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public void Dispose()
    {
        foreach (ChildProcess silo in _silos)
        {
            silo.Dispose();
        }
    }

    /// <summary>Starts a silo (the primary when <paramref name="primaryPort"/> is null) and returns its silo port.</summary>
    /// <remarks>A port picked free can be taken before the silo binds it: the silo then exits, and is started again on new ports.</remarks>
    private async Task<int> StartSiloAsync(int? primaryPort, string storage, TimeSpan timeout)
    {
        for (int attempt = 1; ; attempt++)
        {
            int siloPort = FreePort.Next();
            int gatewayPort = FreePort.Next();
            ChildProcess silo = ChildProcess.Start("cluster-silo", Invariant(siloPort), Invariant(gatewayPort), Invariant(primaryPort ?? siloPort), ClusterId, storage);
            string ready;
            try
            {
                ready = await Task.Run(silo.ReadLine).WaitAsync(timeout);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                silo.Dispose();
                continue;
            }
            catch
            {
                silo.Dispose();
                throw;
            }

            _silos.Add(silo);
            if (ready != "ready")
            {
                throw new InvalidOperationException($"Silo {_silos.Count} of {ClusterId} said '{ready}' instead of ready.");
            }

            _siloPorts.Add(siloPort);
            _gateways.Add(gatewayPort);
            return siloPort;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
