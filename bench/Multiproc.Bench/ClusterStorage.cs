using Multiproc.Orleans;
using StackExchange.Redis;

namespace Multiproc.Bench;

/// <summary>How a bench silo keeps its objects: in memory, or in Redis with coalesced writes or one write per call.</summary>
internal static class ClusterStorage
{
    public const string None = "none";

    public const string Coalesced = "redis";

    public const string PerCall = "redis-per-call";

    public static string Spec(string kind, int redisPort) => kind == None ? None : $"{kind}:{redisPort}";

    /// <summary>Registers the counter, with Redis grain storage named <see cref="MultiprocSiloOptions.DefaultStorageName"/> unless <paramref name="spec"/> is <see cref="None"/>.</summary>
    public static void Configure(ISiloBuilder silo, string spec)
    {
        if (spec == None)
        {
            // No storage named "multiproc": every object is kept in memory.
            silo.UseMultiproc(types => types.Register<ICounter, Counter>());
            return;
        }

        string[] parts = spec.Split(':');
        string redis = "127.0.0.1:" + parts[1];
        silo.AddRedisGrainStorage(MultiprocSiloOptions.DefaultStorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis))
            .UseMultiproc(types => types.Register<ICounter, Counter>(), cluster => cluster.CoalesceWrites = parts[0] == Coalesced);
    }
}
