using Microsoft.Extensions.DependencyInjection;
using Multiproc.Orleans.Client;
using Multiproc.Orleans.Silo;
using Multiproc.Server.Dispatch;

namespace Multiproc.Orleans;

/// <summary>Makes a silo serve Multiproc's shared objects.</summary>
public static class MultiprocSiloBuilderExtensions
{
    /// <summary>Serves the types registered in <paramref name="configure"/> on this silo, as a manager would.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Registers types: <c>options => options.Register&lt;IEmployee, Employee&gt;()</c>. Only registrations are read; addresses, keys and limits are a single manager's.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// Every silo of a cluster must register the same types: an object is created on whichever silo
    /// Orleans places it. The built-in list, dictionary, value and namespace are served too.
    /// </remarks>
    /// <exception cref="ArgumentException">A registration is invalid (as <see cref="ManagerOptions.Register{TInterface, TImplementation}(string?)"/> says),
    /// uses a factory, or its type is marked <see cref="AllowConcurrentCallsAttribute"/> (a cluster serves neither; docs/cluster.md).</exception>
    public static ISiloBuilder UseMultiproc(this ISiloBuilder builder, Action<ManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ManagerOptions();
        configure(options);
        foreach (Registration registration in options.Registrations)
        {
            ClusterRegistrationCheck.Check(registration);
        }

        var registry = new TypeRegistry([.. options.Registrations, .. BuiltInTypeIds.Served]);
        builder.Services.AddSingleton(services => new ObjectDispatcher(registry, () => OrleansConnector.InSilo(services)));
        return builder;
    }
}
