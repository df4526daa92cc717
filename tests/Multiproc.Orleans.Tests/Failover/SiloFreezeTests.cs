using System.Diagnostics;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// A frozen silo (SIGSTOP: its sockets stay open, it answers nothing) under <see cref="FailoverSettings"/>'
/// recommended settings: it is declared dead and every object it held answers again from the other silo, with its
/// acknowledged state, well within Orleans' default detection time (about two minutes).
/// </summary>
/// <remarks>
/// The failover tool measures the time (8.4 s on a loaded 2-core machine; docs/cluster.md, "Failover figures"); this
/// test bounds it at 30 s so a busy CI machine does not fail it, which still tells the recommended settings from the
/// defaults.
/// </remarks>
[Collection(RunsAlone.Name)]
[Trait("Kind", "Process")]
public sealed class SiloFreezeTests
{
    private const int ObjectCount = 40;
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(2);

    [Fact(Timeout = 240_000)]
    public async Task SiloFrozen_EveryObjectItHeldAnswersAgainWithItsState_UnderTheRecommendedSettings()
    {
        await using FailoverCluster cluster = await FailoverCluster.StartAsync(recommendedFailover: true, responseTimeout: TimeSpan.FromSeconds(5), TestTimeout.Token(120));
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, ObjectCount)
            .Select(i => cluster.Manager.CreateAsync<IEmployee>([$"E{i}", 10m * i], TestTimeout.Token(60))));
        long[] ids = [.. staff.Select(e => SharedObject.FromProxy(e).ObjectId)];
        for (int i = 0; i < ObjectCount; i++)
        {
            staff[i].Raise((decimal)i);
        }

        (SiloProcess frozen, IReadOnlySet<long> onFrozen) = await cluster.VictimAsync(ids);
        int[] victims = [.. Enumerable.Range(0, ObjectCount).Where(i => onFrozen.Contains(ids[i]))];
        Assert.NotEmpty(victims);

        var sinceFreeze = Stopwatch.StartNew();
        frozen.Freeze();
        ProbeOutcome[] outcomes = await Task.WhenAll(victims.Select(i
            => RecoveryProbe.FirstAnswerAsync<decimal>(SharedObject.FromProxy(staff[i]), "get_Salary", sinceFreeze, s_recoveryLimit, s_probeTimeout)));

        Assert.All(outcomes, o => Assert.Null(o.Lost));
        int late = outcomes.Count(o => o.AnsweredAfter is null);
        Assert.True(late == 0, $"{late} of {victims.Length} objects of the frozen silo did not answer within {s_recoveryLimit.TotalSeconds} s.");
        foreach (int i in victims)
        {
            Assert.Equal(11m * i, staff[i].Salary);
        }

        Assert.False(frozen.HasExited, "The silo was frozen, not killed: the objects moved because the cluster declared it dead.");
    }
}
