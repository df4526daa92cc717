using Orleans.Configuration;

namespace Multiproc.Orleans;

/// <summary>Membership settings that make a cluster notice a dead or frozen silo in seconds rather than a minute or more.</summary>
public static class FailoverSettings
{
    /// <summary>The initial liveness probe timeout set by <see cref="UseRecommendedFailover(ISiloBuilder)"/> (Orleans' default: 5 s).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The ceiling of the adaptive probe timeout set by <see cref="UseRecommendedFailover(ISiloBuilder)"/> (Orleans' default: 4 × the probe timeout).</summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The missed probes that make a silo suspect another, set by <see cref="UseRecommendedFailover(ISiloBuilder)"/> (Orleans' default: 3).</summary>
    public const int NumMissedProbesLimit = 2;

    /// <summary>How often a client re-reads the gateway list, set by <see cref="UseRecommendedFailover(IClientBuilder)"/> (Orleans' default: 1 min).</summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <summary>Applies the recommended membership settings to this silo: <see cref="ProbeTimeout"/>, <see cref="MaxProbeTimeout"/> and <see cref="NumMissedProbesLimit"/>.</summary>
    /// <param name="builder">The silo builder; every silo of the cluster should use the same settings.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// <para>Measured (bench/Multiproc.Orleans.Failover: two silo processes, Redis membership and storage, 100
    /// objects, this and the client setting on; a shared 2-core machine at load 13–27): every object of a
    /// SIGKILLed silo answered again after 2.1–4.4 s (median of 3: 2.25 s; Orleans' defaults: 12–17 s, median
    /// 14.9 s); every object of a SIGSTOPped (frozen) silo after 8.4–8.5 s (Orleans' defaults: 118–120 s).
    /// A call to such an object meanwhile is rejected or times out (<see cref="ManagerUnavailableException"/>).
    /// The frozen case with a 4 s ceiling took 10.5–12.7 s; with 1 s, 4.2–8.9 s but with a sign of a false eviction,
    /// hence 2 s.</para>
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

    /// <summary>Makes this client drop a dead or frozen silo's gateway within seconds: it re-reads the gateway list every <see cref="GatewayListRefreshPeriod"/>.</summary>
    /// <param name="builder">The client builder.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// A killed silo's gateway refuses connections, and the client drops it at once. A frozen silo's gateway
    /// keeps its connection open, and a client keeps sending part of its calls there until the gateway
    /// disappears from the list it reads from the membership table, by default once a minute: the objects of
    /// a frozen silo were back on the survivor 6 s after the freeze, but calls through the frozen gateway
    /// kept timing out until 59 s (docs/cluster.md).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IClientBuilder UseRecommendedFailover(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
    }
}
