using Multiproc.Tests.Fixtures;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests;

/// <summary>
/// Objects are spread over the silos, and (state in memory, this slice) the objects of a silo that
/// stops are lost: a later call says so, while the objects of the other silo keep their state.
/// </summary>
/// <remarks>Its own cluster, with no object storage: stopping a silo must not disturb the other test classes.</remarks>
public sealed class SiloLossTests : IAsyncLifetime
{
    private readonly ClusterFixture _cluster = new(persistObjects: false);

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task SiloStops_ItsObjectsAreLostWithAClearError_TheOthersKeepTheirState()
    {
        Manager manager = _cluster.Manager;
        SiloHandle primary = _cluster.Cluster.Primary ?? throw new InvalidOperationException("The cluster has no primary silo.");
        SiloHandle secondary = _cluster.Cluster.SecondarySilos[0];

        // Half placed on each silo by Orleans' placement hint: its default placement may put a whole burst on one silo.
        IEmployee[] staff = [
            .. await PlacedOnAsync(primary.SiloAddress, () => CreateStaffAsync(manager, 0, 20)),
            .. await PlacedOnAsync(secondary.SiloAddress, () => CreateStaffAsync(manager, 20, 20)),
        ];

        await _cluster.Cluster.StopSiloAsync(secondary);

        int kept = 0;
        int lost = 0;
        for (int i = 0; i < staff.Length; i++)
        {
            try
            {
                Assert.Equal(i, staff[i].Salary);
                kept++;
            }
            catch (KeyNotFoundException ex)
            {
                Assert.Contains("lost with its silo", ex.Message, StringComparison.Ordinal);
                lost++;
            }
        }

        Assert.True(kept == 20 && lost == 20, $"Expected the 20 objects of each silo: {kept} kept, {lost} lost.");
    }

    private static Task<IEmployee[]> CreateStaffAsync(Manager manager, int first, int count)
        => Task.WhenAll(Enumerable.Range(first, count).Select(i => manager.CreateAsync<IEmployee>([$"E{i}", (decimal)i], TestTimeout.Token())));

    private static async Task<T> PlacedOnAsync<T>(SiloAddress silo, Func<Task<T>> create)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await create();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
