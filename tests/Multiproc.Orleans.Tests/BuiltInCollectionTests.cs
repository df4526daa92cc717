using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests;

/// <summary>The built-ins a cluster serves in this slice (list, dictionary, value, namespace); the waiting ones are in Waiting/.</summary>
public sealed class BuiltInCollectionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task List_AddIndexPopAndSnapshot_BehaveAsOnOneManager()
    {
        ISharedList<int> list = await cluster.Manager.CreateListAsync<int>([1, 2, 3], TestTimeout.Token());

        list.Add(4);
        await list.AddAsync(5, TestTimeout.Token());
        list[0] = 10;

        Assert.Equal(5, list.Count);
        Assert.Equal([10, 2, 3, 4, 5], list.ToArray());
        Assert.True(list.TryPop(out int last));
        Assert.Equal(5, last);
        int[] remaining = await list.ToArrayAsync(TestTimeout.Token());
        Assert.Equal([10, 2, 3, 4], remaining);
    }

    [Fact(Timeout = 30_000)]
    public async Task Dictionary_AtomicVerbs_AndIncrement_FromManyTasks()
    {
        ISharedDictionary<string, int> counts = await cluster.Manager.CreateDictionaryAsync<string, int>(TestTimeout.Token());

        Assert.True(counts.TryAdd("a", 1));
        Assert.False(counts.TryAdd("a", 2));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => counts.IncrementAsync("hits", 1, TestTimeout.Token())));

        Assert.Equal(50, counts["hits"]);
        Assert.True(counts.TryRemove("a", out int removed));
        Assert.Equal(1, removed);
        Assert.Equal(new Dictionary<string, int> { ["hits"] = 50 }, counts.Snapshot());
    }

    [Fact(Timeout = 30_000)]
    public async Task Dictionary_ProxyStoredAsValue_ReadsBackAsAProxyToTheSameObject()
    {
        ISharedDictionary<string, IEmployee> staff = await cluster.Manager.CreateDictionaryAsync<string, IEmployee>(TestTimeout.Token());
        IEmployee heidi = await cluster.Manager.CreateAsync<IEmployee>(["Heidi", 1m], TestTimeout.Token());

        staff["heidi"] = heidi;
        staff["heidi"].Raise(9m);

        Assert.Equal(10m, heidi.Salary);
        Assert.Equal(SharedObject.FromProxy(heidi).ObjectId, SharedObject.FromProxy(staff["heidi"]).ObjectId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Value_ExchangeAndCompareExchange_AreAtomicOnTheObject()
    {
        ISharedValue<long> value = await cluster.Manager.CreateValueAsync(5L, TestTimeout.Token());

        Assert.Equal(5L, value.Exchange(7L));
        Assert.Equal(7L, value.CompareExchange(9L, 7L));

        Assert.Equal(9L, value.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task Namespace_SetGetRemove()
    {
        ISharedNamespace settings = await cluster.Manager.CreateNamespaceAsync(TestTimeout.Token());

        settings.SetValue("threads", 4);
        settings.SetValue("mode", "fast");

        Assert.Equal(4, settings.GetValue<int>("threads"));
        Assert.True(settings.Remove("mode"));
        Assert.Equal(["threads"], settings.Names);
    }
}
