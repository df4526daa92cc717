using Orleans.Configuration;

namespace Multiproc.Orleans;

/// <summary>Membership settings that make a cluster notice a dead or frozen silo in seconds rather than a minute or more.</summary>
public static class FailoverSettings
{
    /// <summary>The initial liveness probe timeout set by <see cref="UseRecommendedFailover"/> (Orleans' default: 5 s).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The ceiling of the adaptive probe timeout set by <see cref="UseRecommendedFailover"/> (Orleans' default: 4 × the probe timeout).</summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The missed probes that make a silo suspect another, set by <see cref="UseRecommendedFailover"/> (Orleans' default: 3).</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>Applies the recommended membership settings to this silo: <see cref="ProbeTimeout"/>, <see cref="MaxProbeTimeout"/> and <see cref="NumMissedProbesLimit"/>.</summary>
    /// <param name="builder">The silo builder; every silo of the cluster should use the same settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// <para>Measured on a shared 2-core machine (two silo processes, Redis membership and storage, 100 objects;
    /// bench/Multiproc.Orleans.Failover, docs/cluster.md): see the figures in docs/cluster.md.</para>
    /// <para>Why the ceiling matters: Orleans suppresses a vote against a silo whose connection carried a message
    /// within <c>MaxProbeTimeout × NumMissedProbesLimit</c>, and a frozen silo's open sockets keep that window
    /// alive. With Orleans' defaults the window is 60 s, which is why a frozen silo takes a minute or more to be
    /// declared dead while a killed one (connection refused) takes seconds.</para>
    /// <para>The cost: a silo that stalls for longer than the window (a long garbage collection, an overloaded
    /// machine) may be declared dead and shut down; its persisted objects reactivate elsewhere, its volatile ones
    /// are lost. Orleans still lengthens the timeout while the local silo itself is degraded
    /// (<see cref="ClusterMembershipOptions.ExtendProbeTimeoutDuringDegradation"/>).</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static ISiloBuilder UseRecommendedFailover(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = ProbeTimeout;
            options.MaxProbeTimeout = MaxProbeTimeout;
            options.NumMissedProbesLimit = NumMissedProbesLimit;
        });
    }
}
