using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Multiproc.Orleans;

namespace Multiproc.Bench;

/// <summary>
/// The cluster mode's hidden child: one silo on localhost (dev) clustering that serves the bench's
/// counter and hosts its echo grain, until its standard input closes.
/// </summary>
/// <remarks>
/// <c>cluster-silo siloPort gatewayPort primarySiloPort clusterId storage</c>, where the primary's
/// own port makes it the primary, and storage is <c>none</c>, <c>redis:PORT</c> (coalesced writes)
/// or <c>redis-per-call:PORT</c> (one write per call). The cluster id is the service id too, so two clusters
/// sharing one Redis never share a key. Prints <c>ready</c> once it serves.
/// </remarks>
internal static class ClusterSilo
{
    public static async Task<int> RunAsync(string[] args)
    {
        int siloPort = int.Parse(args[1], CultureInfo.InvariantCulture);
        int gatewayPort = int.Parse(args[2], CultureInfo.InvariantCulture);
        int primaryPort = int.Parse(args[3], CultureInfo.InvariantCulture);
        string clusterId = args[4];
        string storage = args[5];

        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), serviceId: clusterId, clusterId: clusterId);
            ClusterStorage.Configure(silo, storage);
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();

        // The parent is done (or gone): no graceful leave, the whole cluster goes.
        return 0;
    }
}
