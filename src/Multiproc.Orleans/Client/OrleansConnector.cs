using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Multiproc.Proxies;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Multiproc.Orleans.Client;

/// <summary>Opens call channels to a cluster: by address (starting an Orleans client), over a client the caller has, or inside a silo.</summary>
internal static class OrleansConnector
{
    /// <summary>The connect bound when the caller gave none (a worker's bootstrap, <c>OrleansManager.ConnectAsync</c>): 30 s.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The <see cref="ChannelConnector"/> of the <c>orleans</c> and <c>orleans+redis</c> schemes: starts an Orleans
    /// client for the address' gateways, or for the gateways its Redis membership table lists.
    /// </summary>
    /// <remarks>
    /// <paramref name="authKey"/> is not used: Orleans has no key handshake (docs/cluster.md, "Security").
    /// The connect is bounded by <see cref="ConnectSettings.ConnectTimeout"/> when the caller set one, else by
    /// <see cref="DefaultConnectTimeout"/>.
    /// </remarks>
    /// <exception cref="FormatException">The address is malformed or names no gateway.</exception>
    /// <exception cref="ManagerUnavailableException">No gateway answered within the connect timeout, or a gateway's name did not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ICallChannel> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        OrleansAddress parsed = OrleansAddress.Parse(address);
        if (parsed.Gateways.Count == 0 && parsed.Redis is null)
        {
            throw new FormatException($"'{address}' names no gateway to connect to: {OrleansManager.Scheme}://host:port/clusterId or {OrleansManager.RedisScheme}://redis-host:port/clusterId.");
        }

        // Starting an Orleans client (and fetching the cluster's manifest) takes seconds in a fresh process on a busy
        // machine: a worker reconnecting with the default settings gets a longer bound than a manager's socket needs.
        TimeSpan connectTimeout = ConnectTimeoutOf(settings);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectTimeout);
        IHost? host = null;
        try
        {
            host = await StartClientAsync(parsed, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not FormatException)
        {
            host?.Dispose();
            string why = deadline.IsCancellationRequested ? $"no gateway answered within {connectTimeout.TotalSeconds:0.#} s" : ex.Message;
            throw new ManagerUnavailableException($"The Orleans cluster at {address} is not available: {why}.", ex);
        }

        IClusterClient clusterClient = host.Services.GetRequiredService<IClusterClient>();
        return new OrleansCallChannel(clusterClient, parsed.ToString(), ClusterIdentity.Of(parsed.ServiceId, parsed.ClusterId), insideGrains: false, new ClientHostLease(host));
    }

    /// <summary>The bound of a connect: the caller's <see cref="ConnectOptions.ConnectTimeout"/> when set, else <see cref="DefaultConnectTimeout"/>.</summary>
    internal static TimeSpan ConnectTimeoutOf(ConnectSettings settings) => settings.ConnectTimeoutGiven ? settings.ConnectTimeout : DefaultConnectTimeout;

    private static async Task<IHost> StartClientAsync(OrleansAddress address, CancellationToken cancellationToken)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (address.Redis is { } redis)
        {
            // A frozen silo's gateway stays in the list until the client re-reads it: every 5 s, not every minute.
            builder.UseOrleansClient(client => client
                .UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis))
                .UseRecommendedFailover());
        }
        else
        {
            IPEndPoint[] gateways = await ResolveAsync(address, cancellationToken).ConfigureAwait(false);
            builder.UseOrleansClient(client => client.UseStaticClustering(gateways));
        }

        builder.Services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = address.ClusterId;
            o.ServiceId = address.ServiceId;
        });

        // A wait whose caller timed out must be cancelled on the grain, or the grain hands the next item or
        // permit to a waiter nobody listens to (docs/cluster.md, "Waiting built-ins").
        builder.Services.Configure<ClientMessagingOptions>(o => o.CancelRequestOnTimeout = true);
        IHost host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>How Multiproc reaches a Redis server: fail fast rather than retry forever in the background.</summary>
    internal static ConfigurationOptions RedisOptions(string endpoint)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(endpoint);
        options.AbortOnConnectFail = false;
        return options;
    }

    /// <summary>A channel over a client the caller owns (and keeps running).</summary>
    public static OrleansCallChannel Over(IClusterClient client, string? address)
    {
        ClusterOptions cluster = client.ServiceProvider.GetRequiredService<IOptions<ClusterOptions>>().Value;
        return new OrleansCallChannel(client, address ?? new OrleansAddress([], null, cluster.ClusterId, cluster.ServiceId).ToString(),
            ClusterIdentity.Of(cluster.ServiceId, cluster.ClusterId), insideGrains: false, owned: null);
    }

    /// <summary>The channel a silo's objects call other objects through (references they receive are its proxies).</summary>
    public static OrleansCallChannel InSilo(IServiceProvider services)
    {
        ClusterOptions cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        return new OrleansCallChannel(services.GetRequiredService<IGrainFactory>(), new OrleansAddress([], null, cluster.ClusterId, cluster.ServiceId).ToString(),
            ClusterIdentity.Of(cluster.ServiceId, cluster.ClusterId), insideGrains: true, owned: null)
        {
            // A silo's grain factory does not expose its options: the waits its objects make are sliced by the silo's own timeout.
            ResponseTimeout = services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout,
        };
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
