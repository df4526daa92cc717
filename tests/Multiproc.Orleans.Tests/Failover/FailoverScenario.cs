using System.Diagnostics;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// What the process tests of <c>Failover/</c> share: their cluster (<see cref="FailoverCluster"/>: two silo processes,
/// Redis membership and storage, <see cref="FailoverSettings"/>' recommended settings, a 5 s response timeout), the
/// objects they create, the kill, and the recovery probe with issue 12's bound.
/// </summary>
internal static class FailoverScenario
{
    /// <summary>Issue 12's bound: every object of a killed silo answers again within 10 s.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(10);

    /// <summary>How long one probe call may take: a call to a dead silo that is not declared dead yet hangs or is rejected.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The client's Orleans response timeout: how long a call to a dead silo may hang before it fails.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Starts the cluster (bounded by 120 s; everything started is stopped if it fails).</summary>
    public static Task<FailoverCluster> StartClusterAsync()
        => FailoverCluster.StartAsync(recommendedFailover: true, ResponseTimeout, TestTimeout.Token(120));

    /// <summary>Creates <paramref name="count"/> employees at once, <c>E{i}</c> with a salary of 10 × i.</summary>
    public static Task<IEmployee[]> CreateStaffAsync(Manager manager, int count)
        => Task.WhenAll(Enumerable.Range(0, count).Select(i => manager.CreateAsync<IEmployee>([$"E{i}", 10m * i], TestTimeout.Token(60))));

    /// <summary>SIGKILLs <paramref name="silo"/> and waits until its process is gone.</summary>
    /// <returns>A stopwatch started at the kill, from which the probes measure.</returns>
    public static async Task<Stopwatch> KillAsync(SiloProcess silo)
    {
        var sinceKill = Stopwatch.StartNew();
        silo.Kill();
        await silo.WaitForExitAsync(TestTimeout.Token(10));
        return sinceKill;
    }

    /// <summary>Asks every object (<paramref name="member"/>, a getter) at once until each answers, is known lost, or <paramref name="limit"/> passes.</summary>
    /// <typeparam name="T">The member's result type.</typeparam>
    public static Task<ProbeOutcome[]> ProbeAsync<T>(IEnumerable<object> proxies, string member, Stopwatch since, TimeSpan? limit = null)
        => Task.WhenAll(proxies.Select(p => RecoveryProbe.FirstAnswerAsync<T>(SharedObject.FromProxy(p), member, since, limit ?? RecoveryLimit, ProbeTimeout)));

    /// <summary>Asserts that every object answered within <paramref name="limit"/> and none was lost, naming the first ten that did not.</summary>
    /// <param name="outcomes">The probes' outcomes, by object index.</param>
    /// <param name="describe">Names object <c>i</c> in a failure's message.</param>
    /// <param name="limit">The bound the probes ran with.</param>
    public static void AssertEveryAnswered(IReadOnlyList<ProbeOutcome> outcomes, Func<int, string> describe, TimeSpan? limit = null)
    {
        int[] lost = [.. Enumerable.Range(0, outcomes.Count).Where(i => outcomes[i].Lost is not null)];
        Assert.True(lost.Length == 0, $"{lost.Length} of {outcomes.Count} objects were lost with the killed silo: {Describe(lost, describe)}: {(lost.Length == 0 ? "" : outcomes[lost[0]].Lost)}");
        int[] late = [.. Enumerable.Range(0, outcomes.Count).Where(i => outcomes[i].AnsweredAfter is null)];
        Assert.True(late.Length == 0, $"{late.Length} of {outcomes.Count} objects did not answer within {(limit ?? RecoveryLimit).TotalSeconds} s: {Describe(late, describe)}");
    }

    private static string Describe(int[] indexes, Func<int, string> describe) => string.Join(", ", indexes.Take(10).Select(describe));
}
