using System.Diagnostics;
using Multiproc.Orleans.SiloHost;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// A client given a static gateway list (<c>orleans://a,b/…</c>) on the process cluster, when the silo behind one
/// gateway is killed: with both gateways listed it goes on through the other; with only the dead one it fails as
/// unavailable, bounded, and never hangs.
/// </summary>
[Collection(RunsAlone.Name)]
[Trait("Kind", "Process")]
public sealed class StaticGatewayTests
{
    private const int ObjectCount = 20;

    [Fact(Timeout = 180_000)]
    public async Task GatewaysSiloKilled_AClientListingBoth_GoesOnThroughTheOther_OneListingOnlyIt_FailsAsUnavailable()
    {
        await using FailoverCluster cluster = await FailoverScenario.StartClusterAsync();
        SiloProcess dying = cluster.Silos[0];
        SiloProcess surviving = cluster.Silos[1];
        await using Manager listingBoth = await OrleansManager.ConnectAsync(AddressOf(cluster, dying, surviving), TestTimeout.Token(30));
        await using Manager listingTheDeadOne = await OrleansManager.ConnectAsync(AddressOf(cluster, dying), TestTimeout.Token(30));
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, ObjectCount)
            .Select(i => listingBoth.CreateAsync<IEmployee>([$"E{i}", 10m * i], TestTimeout.Token(60))));
        foreach (IEmployee employee in staff)
        {
            employee.Raise(1m);
        }

        IEmployee seenThroughTheDeadGateway = await CreateAndReachAsync(listingTheDeadOne);

        Stopwatch sinceKill = await FailoverScenario.KillAsync(dying);
        ProbeOutcome[] outcomes = await FailoverScenario.ProbeAsync<decimal>(staff, "get_Salary", sinceKill);

        FailoverScenario.AssertEveryAnswered(outcomes, i => $"E{i}");
        for (int i = 0; i < ObjectCount; i++)
        {
            Assert.Equal((10m * i) + 1m, staff[i].Salary);
        }

        // No gateway left to this client: a typed error, within the call's token, never a hang.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<ManagerUnavailableException>(
            () => SharedObject.FromProxy(seenThroughTheDeadGateway).InvokeAsync<decimal>("get_Salary", [], bound.Token));
    }

    private static async Task<IEmployee> CreateAndReachAsync(Manager manager)
    {
        IEmployee employee = await manager.CreateAsync<IEmployee>(["Through one gateway", 1m], TestTimeout.Token(60));
        Assert.Equal(1m, employee.Salary);
        return employee;
    }

    private static string AddressOf(FailoverCluster cluster, params SiloProcess[] silos)
        => $"{OrleansManager.Scheme}://{string.Join(',', silos.Select(s => $"127.0.0.1:{s.Arguments.GatewayPort}"))}/{cluster.ClusterId}/{SiloHostArguments.ServiceId}";
}
