using System.Diagnostics;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Failover;

/// <summary>
/// One measurement on a fresh cluster (Redis, 2 silo processes): 100 objects, each referencing the next
/// and raised by its index; then the silo that holds most of them is killed or frozen and its objects are asked until
/// every one answers again; then their state and references are checked.
/// </summary>
internal static class FailoverRound
{
    private const int ObjectCount = 100;
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    public static async Task<RoundResult> RunAsync(bool recommended, TimeSpan? maxProbeTimeout, Fault fault, TimeSpan limit, CancellationToken cancellationToken)
    {
        await using FailoverCluster cluster = await FailoverCluster.StartAsync(recommended, responseTimeout: TimeSpan.FromSeconds(5), cancellationToken, maxProbeTimeout: maxProbeTimeout);
        Manager manager = cluster.Manager;
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, ObjectCount)
            .Select(i => manager.CreateAsync<IEmployee>([$"E{i}", 10m * i], cancellationToken)));
        long[] ids = [.. staff.Select(e => SharedObject.FromProxy(e).ObjectId)];
        for (int i = 0; i < ObjectCount; i++)
        {
            staff[i].Manager = staff[(i + 1) % ObjectCount];
            staff[i].Raise((decimal)i);
        }

        (SiloProcess victim, IReadOnlySet<long> onVictim) = await cluster.VictimAsync(ids);
        int[] victims = [.. Enumerable.Range(0, ObjectCount).Where(i => onVictim.Contains(ids[i]))];

        var sinceFault = Stopwatch.StartNew();
        if (fault == Fault.Kill)
        {
            victim.Kill();
        }
        else
        {
            victim.Freeze();
        }

        ProbeOutcome[] outcomes = await Task.WhenAll(victims.Select(i
            => RecoveryProbe.FirstAnswerAsync<decimal>(SharedObject.FromProxy(staff[i]), "get_Salary", sinceFault, limit, s_probeTimeout)));
        // A lost object's KeyNotFoundException also marks the moment the cluster gave up on the silo.
        TimeSpan[] settled = [.. outcomes.Where(o => o.AnsweredAfter is not null).Select(o => o.AnsweredAfter!.Value)];
        TimeSpan[] answered = [.. outcomes.Where(o => o.AnsweredAfter is not null && o.Lost is null).Select(o => o.AnsweredAfter!.Value)];
        int intact = victims.Count(i => IsIntact(staff, ids, i));
        return new RoundResult(
            recommended,
            maxProbeTimeout,
            fault,
            victims.Length,
            settled.Length > 0 ? settled.Min() : null,
            settled.Length == victims.Length && settled.Length > 0 ? settled.Max() : null,
            outcomes.Count(o => o.Lost is not null),
            intact,
            outcomes.Sum(o => o.FailedCalls));
    }

    private static bool IsIntact(IEmployee[] staff, long[] ids, int i)
    {
        try
        {
            IEmployee? next = staff[i].Manager;
            return staff[i].Salary == 11m * i
                && next is not null
                && SharedObject.FromProxy(next).ObjectId == ids[(i + 1) % ObjectCount]
                && next.Name == $"E{(i + 1) % ObjectCount}";
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ManagerUnavailableException)
        {
            return false;
        }
    }
}
