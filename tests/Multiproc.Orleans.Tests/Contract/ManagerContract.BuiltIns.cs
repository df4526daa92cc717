using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>The built-ins that never wait: list, dictionary, value, namespace.</summary>
public abstract partial class ManagerContract
{
    [Fact(Timeout = 30_000)]
    public async Task List_AddIndexPopAndSnapshot()
    {
        ISharedList<int> list = await Manager.CreateListAsync<int>([1, 2, 3], TestTimeout.Token());

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
    public async Task Dictionary_AtomicVerbs_AndIncrementFromManyTasks()
    {
        ISharedDictionary<string, int> counts = await Manager.CreateDictionaryAsync<string, int>(TestTimeout.Token());

        Assert.True(counts.TryAdd("a", 1));
        Assert.False(counts.TryAdd("a", 2));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => counts.IncrementAsync("hits", 1, TestTimeout.Token())));

        Assert.Equal(50, counts["hits"]);
        Assert.True(counts.TryRemove("a", out int removed));
        Assert.Equal(1, removed);
        Assert.False(counts.TryRemove("a", out _));
        Assert.Equal(new Dictionary<string, int> { ["hits"] = 50 }, counts.Snapshot());
    }

    [Fact(Timeout = 30_000)]
    public async Task Dictionary_ProxyStoredAsValue_ReadsBackAsAProxyToTheSameObject()
    {
        ISharedDictionary<string, IEmployee> staff = await Manager.CreateDictionaryAsync<string, IEmployee>(TestTimeout.Token());
        IEmployee heidi = await Manager.CreateAsync<IEmployee>(["Heidi", 1m], TestTimeout.Token());

        staff["heidi"] = heidi;
        staff["heidi"].Raise(9m);

        Assert.Equal(10m, heidi.Salary);
        Assert.Equal(SharedObject.FromProxy(heidi).ObjectId, SharedObject.FromProxy(staff["heidi"]).ObjectId);
    }

    [Fact(Timeout = 30_000)]
    public async Task Value_ExchangeAndCompareExchange_AreAtomicOnTheObject()
    {
        ISharedValue<long> value = await Manager.CreateValueAsync(5L, TestTimeout.Token());

        Assert.Equal(5L, value.Exchange(7L));
        Assert.Equal(7L, value.CompareExchange(9L, 7L));
        Assert.Equal(9L, value.CompareExchange(1L, 7L));

        Assert.Equal(9L, value.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task Namespace_SetGetRemove()
    {
        ISharedNamespace settings = await Manager.CreateNamespaceAsync(TestTimeout.Token());

        settings.SetValue("threads", 4);
        settings.SetValue("mode", "fast");

        Assert.Equal(4, settings.GetValue<int>("threads"));
        Assert.Equal("fast", settings.GetValue<string>("mode"));
        Assert.True(settings.Remove("mode"));
        Assert.False(settings.Remove("mode"));
        Assert.Equal(["threads"], settings.Names);
    }
}
