using Multiproc.Orleans;

namespace Multiproc.Bench;

/// <summary>How a bench silo keeps its objects: in memory, or in Redis with coalesced writes or one write per call.</summary>
internal static class ClusterStorage
{
    public const string None = "none";

    public const string Coalesced = "redis";

    public const string PerCall = "redis-per-call";

    /// <summary>Whether this build can run the persisted rows (the persistence API is on its branch).</summary>
    public static bool PersistenceAvailable => false;

    public static string Spec(string kind, int redisPort) => kind == None ? None : $"{kind}:{redisPort}";

    public static void Configure(ISiloBuilder silo, string spec)
    {
        if (spec == None)
        {
            silo.UseMultiproc(types => types.Register<ICounter, Counter>());
            return;
        }

        throw new NotSupportedException($"'{spec}': this build has no Multiproc persistence (MultiprocSiloOptions) yet.");
    }
}
