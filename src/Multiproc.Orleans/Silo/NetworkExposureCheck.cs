using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// Refuses to start a silo that would serve shared objects on a non-loopback address with no TLS, unless
/// <see cref="MultiprocSiloOptions.AllowUnprotectedNetwork"/> says the network itself is private.
/// </summary>
/// <remarks>
/// Orleans has no key handshake: whoever reaches a silo or gateway port can call every object. A manager refuses to
/// listen beyond loopback without a key; this is the cluster's counterpart. TLS is recognised by the TLS options that
/// Orleans' <c>UseTls</c> (Microsoft.Orleans.Connections.Security) registers. Runs as Orleans' own configuration
/// validation, as the silo starts, when every setting is final.
/// </remarks>
internal sealed class NetworkExposureCheck(IServiceCollection services, IServiceProvider provider, MultiprocSiloOptions options) : IConfigurationValidator
{
    /// <inheritdoc/>
    /// <exception cref="OrleansConfigurationException">The silo would listen beyond loopback with no TLS, and that was not allowed explicitly.</exception>
    public void ValidateConfiguration()
    {
        if (options.AllowUnprotectedNetwork || HasTls())
        {
            return;
        }

        EndpointOptions endpoints = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
        IPAddress? exposed = new[] { endpoints.AdvertisedIPAddress, endpoints.SiloListeningEndpoint?.Address, endpoints.GatewayListeningEndpoint?.Address }
            .FirstOrDefault(a => a is not null && !IPAddress.IsLoopback(a));
        if (exposed is not null || endpoints.AdvertisedIPAddress is null)
        {
            throw new OrleansConfigurationException(
                $"This silo would serve Multiproc's shared objects on {(exposed?.ToString() ?? "the machine's network address")} with no TLS, and Orleans has no key handshake: "
                + "anyone who reaches its ports could call every object. Configure Orleans' TLS (UseTls, Microsoft.Orleans.Connections.Security), "
                + "or listen on loopback only, or, on a network that is private by itself, set UseMultiproc(..., cluster => cluster.AllowUnprotectedNetwork = true) (docs/cluster.md, \"Security\").");
        }
    }

    private bool HasTls()
        => services.Any(d => d.ServiceType.IsGenericType
            && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
            && d.ServiceType.GetGenericArguments()[0] is { Name: "TlsOptions", Namespace: { } ns } && ns.StartsWith("Orleans", StringComparison.Ordinal));
}
