using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Multiproc.Proxies;
using Orleans.Configuration;

namespace Multiproc.Orleans.Client;

/// <summary>Opens call channels to a cluster: by address (starting an Orleans client), over a client the caller has, or inside a silo.</summary>
internal static class OrleansConnector
{
    /// <summary>The <see cref="ChannelConnector"/> of the <c>orleans</c> scheme: starts an Orleans client for the address' gateways.</summary>
    /// <exception cref="FormatException">The address is malformed or names no gateway.</exception>
    /// <exception cref="ManagerUnavailableException">No gateway answered.</exception>
    public static async Task<ICallChannel> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        OrleansAddress parsed = OrleansAddress.Parse(address);
        if (parsed.Gateways.Count == 0)
        {
            throw new FormatException($"'{address}' names no gateway to connect to: {OrleansManager.Scheme}://host:port/clusterId.");
        }

        IPEndPoint[] gateways = await ResolveAsync(parsed, cancellationToken).ConfigureAwait(false);
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .UseStaticClustering(gateways)
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = parsed.ClusterId;
                o.ServiceId = parsed.ServiceId;
            }));
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            host.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new ManagerUnavailableException($"No gateway of the Orleans cluster at {address} answered: {ex.Message}", ex);
        }

        IClusterClient clusterClient = host.Services.GetRequiredService<IClusterClient>();
        return new OrleansCallChannel(clusterClient, parsed.ToString(), ClusterIdentity.Of(parsed.ServiceId, parsed.ClusterId), insideGrains: false, new ClientHostLease(host));
    }

    /// <summary>A channel over a client the caller owns (and keeps running).</summary>
    public static OrleansCallChannel Over(IClusterClient client, string? address)
    {
        ClusterOptions cluster = client.ServiceProvider.GetRequiredService<IOptions<ClusterOptions>>().Value;
        return new OrleansCallChannel(client, address ?? new OrleansAddress([], cluster.ClusterId, cluster.ServiceId).ToString(),
            ClusterIdentity.Of(cluster.ServiceId, cluster.ClusterId), insideGrains: false, owned: null);
    }

    /// <summary>The channel a silo's objects call other objects through (references they receive are its proxies).</summary>
    public static OrleansCallChannel InSilo(IServiceProvider services)
    {
        ClusterOptions cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        return new OrleansCallChannel(services.GetRequiredService<IGrainFactory>(), new OrleansAddress([], cluster.ClusterId, cluster.ServiceId).ToString(),
            ClusterIdentity.Of(cluster.ServiceId, cluster.ClusterId), insideGrains: true, owned: null);
    }

    private static async Task<IPEndPoint[]> ResolveAsync(OrleansAddress address, CancellationToken cancellationToken)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (DnsEndPoint gateway in address.Gateways)
        {
            if (IPAddress.TryParse(gateway.Host, out IPAddress? ip))
            {
                endpoints.Add(new IPEndPoint(ip, gateway.Port));
                continue;
            }

            IPAddress[] resolved = await Dns.GetHostAddressesAsync(gateway.Host, cancellationToken).ConfigureAwait(false);
            endpoints.AddRange(resolved.Select(a => new IPEndPoint(a, gateway.Port)));
        }

        return [.. endpoints];
    }
}
