using Multiproc.Tests.Fixtures;
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
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => manager.CreateAsync<IEmployee>([$"E{i}", (decimal)i], TestTimeout.Token())));

        SiloHandle secondary = _cluster.Cluster.SecondarySilos[0];
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

        Assert.True(kept > 0 && lost > 0, $"Expected objects on both silos: {kept} kept, {lost} lost.");
    }
}
