using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Multiproc.Extensions.Hosting;

/// <summary>Multiproc in a generic host: a manager the host runs, or a client the host keeps connected.</summary>
public static class MultiprocServiceCollectionExtensions
{
    /// <summary>
    /// Runs a manager for the host: started at its first injection or the host's start, whichever
    /// comes first, and stopped with the host (its clients' calls then fail with
    /// <see cref="ManagerUnavailableException"/>). <see cref="Manager"/> is injectable anywhere, hosted
    /// services' constructors included; it logs through the host's <see cref="ILoggerFactory"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the manager's options (registrations, address, key).</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ObjectDisposedException">On resolving <see cref="Manager"/> for the first time after the host stopped, or on using it then.</exception>
    public static IServiceCollection AddMultiprocManager(this IServiceCollection services, Action<ManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ManagerOptions();
        configure?.Invoke(options);
        services.AddSingleton(provider => new ManagerHostedService(options, provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddHostedService(provider => provider.GetRequiredService<ManagerHostedService>());
        // A singleton: a transient IAsyncDisposable would be tracked by the container once per resolve.
        services.AddSingleton(provider => provider.GetRequiredService<ManagerHostedService>().Manager);
        return services;
    }

    /// <summary>
    /// Keeps a connection to the manager at <paramref name="address"/>: connected when the host starts,
    /// connected again with backoff after the manager goes away, and reported by the health check
    /// <c>multiproc-client</c>. Inject <see cref="MultiprocClient"/> and use its <see cref="MultiprocClient.Manager"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="address">The manager's address.</param>
    /// <param name="keyProvider">Gives the key at each connect.</param>
    /// <param name="configure">Sets the check and retry timing.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddMultiprocClient(this IServiceCollection services, string address, Func<IServiceProvider, ReadOnlyMemory<byte>> keyProvider, Action<MultiprocClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentNullException.ThrowIfNull(keyProvider);
        var options = new MultiprocClientOptions();
        configure?.Invoke(options);
        services.AddSingleton(provider => new MultiprocClient(
            address,
            () => keyProvider(provider),
            options,
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<MultiprocClient>()));
        services.AddHostedService(provider => provider.GetRequiredService<MultiprocClient>());
        services.AddHealthChecks().AddCheck<MultiprocClientHealthCheck>("multiproc-client");
        return services;
    }
}
