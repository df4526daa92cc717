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

    [Fact(Timeout = 240_000)]
    public async Task SiloFrozen_EveryObjectItHeldAnswersAgainWithItsState_UnderTheRecommendedSettings()
    {
        await using FailoverCluster cluster = await FailoverScenario.StartClusterAsync();
        IEmployee[] staff = await FailoverScenario.CreateStaffAsync(cluster.Manager, ObjectCount);
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
        ProbeOutcome[] outcomes = await FailoverScenario.ProbeAsync<decimal>(victims.Select(i => staff[i]), "get_Salary", sinceFreeze, s_recoveryLimit);

        FailoverScenario.AssertEveryAnswered(outcomes, v => $"E{victims[v]}", s_recoveryLimit);
        foreach (int i in victims)
        {
            Assert.Equal(11m * i, staff[i].Salary);
        }

        Assert.False(frozen.HasExited, "The silo was frozen, not killed: the objects moved because the cluster declared it dead.");
    }
}
