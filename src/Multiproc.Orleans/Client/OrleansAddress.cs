using System.Globalization;
using System.Net;

namespace Multiproc.Orleans.Client;

/// <summary>
/// The address of a cluster, in one of two forms:
/// <c>orleans://gateway:port[,gateway:port...]/clusterId[/serviceId]</c> (a static list of silo gateways), or
/// <c>orleans+redis://redis-host:port/clusterId[/serviceId]</c> (the cluster's membership table in Redis, where a
/// client finds the live gateways itself).
/// </summary>
/// <remarks>
/// An address is a string because a worker process reconnects from it (its bootstrap carries it). An address with
/// no gateways and no Redis (<c>orleans:///clusterId/serviceId</c>) names a cluster without saying how to reach it:
/// what a channel made over an existing client or inside a silo reports.
/// </remarks>
/// <param name="Gateways">The silo gateways, as host and port (empty for a Redis address).</param>
/// <param name="Redis">The Redis server holding the membership table, as <c>host:port</c>, or null.</param>
/// <param name="ClusterId">Orleans' cluster id.</param>
/// <param name="ServiceId">Orleans' service id.</param>
internal sealed record OrleansAddress(IReadOnlyList<DnsEndPoint> Gateways, string? Redis, string ClusterId, string ServiceId)
{
    /// <summary>Orleans' own default cluster and service id.</summary>
    public const string DefaultId = "default";

    private const string GatewayPrefix = OrleansManager.Scheme + "://";
    private const string RedisPrefix = OrleansManager.RedisScheme + "://";
    private const string Forms = GatewayPrefix + "host:port[,host:port]/clusterId[/serviceId] or " + RedisPrefix + "redis-host:port/clusterId[/serviceId]";

    /// <summary>Parses an address.</summary>
    /// <exception cref="FormatException">It is not an <c>orleans://</c> or <c>orleans+redis://</c> address, or a host is not host:port.</exception>
    public static OrleansAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        bool redis = address.StartsWith(RedisPrefix, StringComparison.OrdinalIgnoreCase);
        if (!redis && !address.StartsWith(GatewayPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"'{address}' is not a cluster address: {Forms}.");
        }

        string[] parts = address[(redis ? RedisPrefix : GatewayPrefix).Length..].Split('/');
        if (parts.Length > 3)
        {
            throw new FormatException($"'{address}' has too many parts: {Forms}.");
        }

        DnsEndPoint[] hosts = [.. parts[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(g => ParseHost(g, address))];
        string clusterId = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : DefaultId;
        string serviceId = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : DefaultId;
        if (!redis)
        {
            return new OrleansAddress(hosts, null, clusterId, serviceId);
        }

        if (hosts.Length != 1)
        {
            throw new FormatException($"'{address}' must name exactly one Redis server: {RedisPrefix}redis-host:port/clusterId[/serviceId].");
        }

        return new OrleansAddress([], FormatHost(hosts[0]), clusterId, serviceId);
    }

    /// <summary>Writes the address in the form <see cref="Parse"/> reads.</summary>
    public override string ToString()
        => Redis is not null
            ? $"{RedisPrefix}{Redis}/{ClusterId}/{ServiceId}"
            : $"{GatewayPrefix}{string.Join(',', Gateways.Select(FormatHost))}/{ClusterId}/{ServiceId}";

    private static string FormatHost(DnsEndPoint host)
        => string.Create(CultureInfo.InvariantCulture, $"{(host.Host.Contains(':', StringComparison.Ordinal) ? $"[{host.Host}]" : host.Host)}:{host.Port}");

    private static DnsEndPoint ParseHost(string host, string address)
    {
        int colon = host.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is 0 or > 65535)
        {
            throw new FormatException($"'{host}' in '{address}' is not host:port.");
        }

        return new DnsEndPoint(host[..colon].Trim('[', ']'), port);
    }
}
