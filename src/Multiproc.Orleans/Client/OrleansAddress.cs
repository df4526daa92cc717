using System.Globalization;
using System.Net;

namespace Multiproc.Orleans.Client;

/// <summary>
/// An <c>orleans://</c> address: <c>orleans://gateway:port[,gateway:port...]/clusterId[/serviceId]</c>.
/// </summary>
/// <remarks>
/// This slice connects through a static list of silo gateways. Membership in Redis (where a client
/// finds the gateways itself) will get its own form of address (docs/cluster.md). An address with
/// no gateways (<c>orleans:///clusterId/serviceId</c>) names a cluster without saying how to reach it:
/// what a channel made over an existing client or inside a silo reports.
/// </remarks>
/// <param name="Gateways">The silo gateways, as host and port.</param>
/// <param name="ClusterId">Orleans' cluster id.</param>
/// <param name="ServiceId">Orleans' service id.</param>
internal sealed record OrleansAddress(IReadOnlyList<DnsEndPoint> Gateways, string ClusterId, string ServiceId)
{
    /// <summary>Orleans' own default cluster and service id.</summary>
    public const string DefaultId = "default";

    private const string Prefix = OrleansManager.Scheme + "://";

    /// <summary>Parses an address.</summary>
    /// <exception cref="FormatException">It is not an <c>orleans://</c> address, or a gateway is not host:port.</exception>
    public static OrleansAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"'{address}' is not an address of the form {Prefix}host:port[,host:port]/clusterId[/serviceId].");
        }

        string[] parts = address[Prefix.Length..].Split('/');
        if (parts.Length > 3)
        {
            throw new FormatException($"'{address}' has too many parts: {Prefix}host:port[,host:port]/clusterId[/serviceId].");
        }

        DnsEndPoint[] gateways = [.. parts[0].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(g => ParseGateway(g, address))];
        string clusterId = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : DefaultId;
        string serviceId = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : DefaultId;
        return new OrleansAddress(gateways, clusterId, serviceId);
    }

    /// <summary>Writes the address in the form <see cref="Parse"/> reads.</summary>
    public override string ToString()
        => $"{Prefix}{string.Join(',', Gateways.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Host}:{g.Port}")))}/{ClusterId}/{ServiceId}";

    private static DnsEndPoint ParseGateway(string gateway, string address)
    {
        int colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is 0 or > 65535)
        {
            throw new FormatException($"The gateway '{gateway}' in '{address}' is not host:port.");
        }

        return new DnsEndPoint(gateway[..colon].Trim('[', ']'), port);
    }
}
