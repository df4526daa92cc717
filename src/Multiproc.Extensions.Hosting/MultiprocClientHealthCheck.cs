using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Multiproc.Extensions.Hosting;

/// <summary>Healthy while the <see cref="MultiprocClient"/> is connected; unhealthy, with the reason, while it reconnects.</summary>
/// <param name="client">The client reported on.</param>
public sealed class MultiprocClientHealthCheck(MultiprocClient client) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(client.IsConnected
            ? HealthCheckResult.Healthy($"Connected to the Multiproc manager at {client.Address}.")
            : HealthCheckResult.Unhealthy($"Not connected to the Multiproc manager at {client.Address}; reconnecting.", client.LastError));
}
