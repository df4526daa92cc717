using Multiproc.Tests.Fixtures;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// Objects persisted in a real Redis survive the death of their silo with every acknowledged change, references
/// between objects and published names included; volatile objects are lost with a clear error; a deleted id stays deleted.
/// </summary>
/// <remarks>Its own cluster: killing a silo must not disturb the other test classes.</remarks>
public sealed class PersistenceTests : IAsyncLifetime
{
    private readonly PersistentClusterFixture _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact(Timeout = 150_000)]
    public async Task AcknowledgedChanges_SurviveTheDeathOfTheirSilo_ReferencesIncluded_VolatileObjectsAreLostWithAClearError()
    {
        Manager manager = _cluster.Manager;
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 40)
            .Select(i => manager.CreateAsync<IEmployee>([$"E{i}", 1000m], TestTimeout.Token(60))));
        for (int i = 0; i < staff.Length; i++)
        {
            staff[i].Raise((decimal)i);
            staff[i].Manager = staff[(i + 1) % staff.Length];
            staff[i].Home = new Address($"Street {i}", i);
        }

        // 64 concurrent changes on one object: coalesced writes, every one acknowledged only once stored.
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => staff[0].RaiseAsync(1m)));
        ISharedList<string> list = await manager.CreateListAsync<string>(["a", "b"], TestTimeout.Token());
        list.Add("c");
        ISharedDictionary<string, int> dictionary = await manager.CreateDictionaryAsync<string, int>(TestTimeout.Token());
        dictionary["x"] = 1;
        dictionary["y"] = 2;
        string[] names = [.. staff.Select((_, i) => $"employee-{i}-{Guid.NewGuid():N}")];
        for (int i = 0; i < staff.Length; i++)
        {
            await manager.PublishAsync(names[i], staff[i], TestTimeout.Token());
        }

        ICounter[] counters = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => manager.CreateAsync<ICounter>([], TestTimeout.Token(60))));
        foreach (ICounter counter in counters)
        {
            counter.IncrementSlowly();
        }

        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.SecondarySilos[0]);

        for (int i = 0; i < staff.Length; i++)
        {
            await AnswersAgainAsync(staff[i]);
            Assert.Equal(1000m + i + (i == 0 ? 64 : 0), staff[i].Salary);
            Assert.Equal(new Address($"Street {i}", i), staff[i].Home);
            IEmployee next = staff[i].Manager!;
            Assert.Equal(SharedObject.FromProxy(staff[(i + 1) % staff.Length]).ObjectId, SharedObject.FromProxy(next).ObjectId);
            Assert.Equal($"E{(i + 1) % staff.Length}", next.Name);
        }

        // Published names are stored too: every one still leads to its object.
        for (int i = 0; i < staff.Length; i++)
        {
            Assert.Equal($"E{i}", (await manager.LookupAsync<IEmployee>(names[i], TestTimeout.Token())).Name);
        }

        Assert.Equal(["a", "b", "c"], list.ToArray());
        Assert.Equal(2, dictionary["y"]);

        int kept = 0;
        int lost = 0;
        foreach (ICounter counter in counters)
        {
            try
            {
                Assert.Equal(1, counter.Value);
                kept++;
            }
            catch (KeyNotFoundException ex)
            {
                Assert.Contains("volatile", ex.Message, StringComparison.Ordinal);
                Assert.Contains("lost with its silo", ex.Message, StringComparison.Ordinal);
                lost++;
            }
        }

        Assert.True(kept > 0 && lost > 0, $"Expected volatile objects on both silos: {kept} kept, {lost} lost.");
    }

    [Fact(Timeout = 60_000)]
    public async Task DeletedObject_AnswersDeleted_ThroughEveryProxy()
    {
        IEmployee gone = await _cluster.Manager.CreateAsync<IEmployee>(["Gone", 1m], TestTimeout.Token());
        gone.Raise(1m);

        Assert.True(await OrleansManager.DeleteAsync(gone, TestTimeout.Token()));

        KeyNotFoundException thrown = Assert.Throws<KeyNotFoundException>(() => gone.Salary);
        Assert.Contains("deleted", thrown.Message, StringComparison.Ordinal);
        Assert.False(await OrleansManager.DeleteAsync(gone, TestTimeout.Token()));
    }

    [Fact(Timeout = 60_000)]
    public async Task ResultOverTheLimit_FailsItsCall_TheObjectStaysUsable()
    {
        ISharedList<string> list = await _cluster.Manager.CreateListAsync<string>(cancellationToken: TestTimeout.Token());
        list.Add(new string('x', 600_000));
        list.Add(new string('y', 600_000));

        InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() => list.ToArray());

        Assert.Contains("MaxResultBytes", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(2, list.Count);
        Assert.Equal(600_000, list[1].Length);
    }

    // An object of a dead silo answers once membership has declared the silo dead and the object is reactivated
    // elsewhere; until then a call fails as unavailable or waits. Each probe is bounded; so is the whole wait.
    private static async Task AnswersAgainAsync(IEmployee employee)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            probe.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await employee.DelayAsync(0, probe.Token);
                return;
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or OperationCanceledException && !deadline.IsCancellationRequested)
            {
            }
        }
    }
}
