using Microsoft.Extensions.DependencyInjection;
using Multiproc.Orleans.Client;
using Multiproc.Orleans.Silo;
using Multiproc.Server.Dispatch;
using Orleans.Configuration;
using Orleans.Storage;

namespace Multiproc.Orleans;

/// <summary>Makes a silo serve Multiproc's shared objects.</summary>
public static class MultiprocSiloBuilderExtensions
{
    /// <summary>Serves the types registered in <paramref name="configure"/> on this silo, as a manager would, with the default <see cref="MultiprocSiloOptions"/>.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Registers types: <c>options => options.Register&lt;IEmployee, Employee&gt;()</c>. Only registrations are read; addresses, keys and limits are a single manager's.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentException">A registration is invalid, uses a factory, is marked <see cref="AllowConcurrentCallsAttribute"/>, or has state that cannot be persisted (see the other overload).</exception>
    public static ISiloBuilder UseMultiproc(this ISiloBuilder builder, Action<ManagerOptions> configure)
        => UseMultiproc(builder, configure, static _ => { });

    /// <summary>Serves the types registered in <paramref name="configure"/> on this silo, as a manager would.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Registers types: <c>options => options.Register&lt;IEmployee, Employee&gt;()</c>. Only registrations are read; addresses, keys and limits are a single manager's.</param>
    /// <param name="cluster">How objects are kept: <c>cluster => cluster.Volatile&lt;ICounter&gt;()</c> (<see cref="MultiprocSiloOptions"/>).</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// <para>Every silo of a cluster must register the same types with the same options: an object is created, and
    /// after a silo's death restored, on whichever silo Orleans places it. The built-in list, dictionary, value and
    /// namespace are served too.</para>
    /// <para>Objects are persisted in the grain storage named <see cref="MultiprocSiloOptions.StorageName"/> when the
    /// silo has one. So that choice is never a surprise, every type not marked volatile is checked here, storage or
    /// not: its fields must have an image that reads back (docs/cluster.md, "Persistence").</para>
    /// <para>Sets Orleans' <c>SiloMessagingOptions.CancelRequestOnTimeout</c>: a wait whose caller timed out is
    /// cancelled on its grain, so no item or permit goes to a waiter nobody listens to.</para>
    /// <para>The silo refuses to start on a non-loopback address without TLS unless
    /// <see cref="MultiprocSiloOptions.AllowUnprotectedNetwork"/> is set (Orleans' <c>OrleansConfigurationException</c>).</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A registration is invalid (as <see cref="ManagerOptions.Register{TInterface, TImplementation}(string?)"/> says),
    /// uses a factory, its type is marked <see cref="AllowConcurrentCallsAttribute"/> (a cluster serves neither), or a type that is
    /// not volatile has a field whose state would not survive being written and read back (the message names the field and why), or a waiting
    /// built-in is given an idle timeout.</exception>
    public static ISiloBuilder UseMultiproc(this ISiloBuilder builder, Action<ManagerOptions> configure, Action<MultiprocSiloOptions> cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(cluster);
        var options = new ManagerOptions();
        configure(options);
        var siloOptions = new MultiprocSiloOptions();
        cluster(siloOptions);
        HashSet<Type> contracts = [.. options.Registrations.Select(r => r.Contract)];
        if (siloOptions.IdleTimeoutTypeIds.FirstOrDefault(BuiltInTypeIds.IsWaiting) is { } waiting)
        {
            throw new ArgumentException($"'{waiting}' is a waiting built-in: its holders wait between calls, so it takes no idle timeout; delete it with OrleansManager.DeleteAsync.", nameof(cluster));
        }

        foreach (Registration registration in options.Registrations)
        {
            ClusterRegistrationCheck.Check(registration);
            if (!siloOptions.IsVolatile(registration))
            {
                PersistenceCheck.Check(registration, contracts);
            }
        }

        // Objects call each other's waiting built-ins too: a timed-out wait must be cancelled on the grain.
        builder.Configure<SiloMessagingOptions>(o => o.CancelRequestOnTimeout = true);
        var registry = new TypeRegistry([.. options.Registrations, .. BuiltInTypeIds.Served]);
        IServiceCollection services = builder.Services;
        services.AddSingleton(provider => new ObjectDispatcher(registry, () => OrleansConnector.InSilo(provider), siloOptions.MaxResultBytes));
        services.AddSingleton(provider => new ObjectStore(provider.GetKeyedService<IGrainStorage>(siloOptions.StorageName), siloOptions));
        services.AddSingleton<IConfigurationValidator>(provider => new NetworkExposureCheck(services, provider, siloOptions));
        return builder;
    }
}
