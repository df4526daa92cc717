using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class SharedDictionaryTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task DictionaryMembers_BehaveLikeIDictionary()
    {
        ISharedDictionary<string, int> d = await _manager.CreateDictionaryAsync<string, int>();
        d["a"] = 1;
        d.Add("b", 2);
        Assert.Throws<ArgumentException>(() => d.Add("a", 9));
        Assert.Equal(2, d.Count);
        Assert.Equal(1, d["a"]);
        Assert.Throws<KeyNotFoundException>(() => d["zzz"]);
        Assert.True(d.TryGetValue("b", out int b));
        Assert.Equal(2, b);
        Assert.False(d.TryGetValue("c", out _));
        Assert.True(d.ContainsKey("a"));
        Assert.Equal(["a", "b"], d.Keys.Order());
        Assert.True(d.Remove("a"));
        Assert.False(d.Remove("a"));
        Assert.Equal([new KeyValuePair<string, int>("b", 2)], d.ToArray());
        d.Clear();
        Assert.Empty(d);
    }

    [Fact(Timeout = 20_000)]
    public async Task ConcurrentDictionaryVerbs_Work()
    {
        ISharedDictionary<int, string> d = await _manager.CreateDictionaryAsync<int, string>();
        Assert.True(d.TryAdd(1, "one"));
        Assert.False(d.TryAdd(1, "uno"));
        Assert.Equal("one", d.GetOrAdd(1, "x"));
        Assert.Equal("two", d.GetOrAdd(2, "two"));
        Assert.False(d.TryUpdate(1, "ONE", "wrong"));
        Assert.True(d.TryUpdate(1, "ONE", "one"));
        Assert.Equal("added", d.AddOrUpdate(3, "added", "updated"));
        Assert.Equal("updated", d.AddOrUpdate(3, "added", "updated"));
        Assert.True(d.TryRemove(2, out string? removed));
        Assert.Equal("two", removed);
        Assert.False(d.TryRemove(2, out _));
    }

    [Fact(Timeout = 20_000)]
    public async Task BatchMembers_DoManyInOneCall()
    {
        ISharedDictionary<string, double> d = await _manager.CreateDictionaryAsync<string, double>();
        d.SetMany([new("x", 1.5), new("y", 2.5), new("z", 3.5)]);
        IReadOnlyDictionary<string, double> some = d.GetMany(["x", "z", "missing"]);
        Assert.Equal(2, some.Count);
        Assert.Equal(3.5, some["z"]);
        Assert.Equal(3, (await d.SnapshotAsync()).Count);
        await d.SetAsync("w", 0.5);
        Assert.Equal((true, 0.5), await d.TryGetValueAsync("w"));
    }

    [Fact(Timeout = 20_000)]
    public async Task RecordKeys_CompareByValue()
    {
        ISharedDictionary<Address, int> d = await _manager.CreateDictionaryAsync<Address, int>();
        d[new Address("Elm", 1)] = 10;
        Assert.Equal(10, d[new Address("Elm", 1)]);
        ISharedDictionary<(int, string), int> tuples = await _manager.CreateDictionaryAsync<(int, string), int>();
        tuples[(1, "a")] = 5;
        Assert.True(tuples.ContainsKey((1, "a")));
    }

    [Fact(Timeout = 20_000)]
    public async Task UnsupportedKeyType_IsRefusedWithClearError()
    {
        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => _manager.CreateDictionaryAsync<int[], int>());
        Assert.Contains("cannot be a shared dictionary key", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => _manager.CreateDictionaryAsync<object, int>());
        await Assert.ThrowsAsync<NotSupportedException>(() => _manager.CreateDictionaryAsync<IEmployee, int>());
    }

    [Fact(Timeout = 20_000)]
    public async Task WrongValueType_IsRefused_DictionaryUnchanged()
    {
        ISharedDictionary<string, int> d = await _manager.CreateDictionaryAsync<string, int>();
        d["k"] = 1;
        await Assert.ThrowsAsync<ArgumentException>(() => SharedObject.FromProxy(d).InvokeAsync("Set", "k", "text"));
        Assert.Equal(1, d["k"]);
    }

    [Fact(Timeout = 20_000)]
    public async Task Increment_OfNonNumber_ThrowsInvalidOperation()
    {
        ISharedDictionary<string, object> d = await _manager.CreateDictionaryAsync<string, object>();
        d["s"] = "text";
        await Assert.ThrowsAsync<InvalidOperationException>(() => SharedObject.FromProxy(d).InvokeAsync("Increment", "s", 1));
        Assert.Equal("text", d["s"]);
    }

    [Fact(Timeout = 20_000)]
    public async Task Increment_Numbers_IntDoubleDecimal()
    {
        ISharedDictionary<string, int> ints = await _manager.CreateDictionaryAsync<string, int>();
        Assert.Equal(5, ints.Increment("n", 5));
        Assert.Equal(3, ints.Increment("n", -2));
        ISharedDictionary<string, double> doubles = await _manager.CreateDictionaryAsync<string, double>();
        Assert.Equal(1.5, doubles.Increment("d", 1.5));
        ISharedDictionary<string, decimal> money = await _manager.CreateDictionaryAsync<string, decimal>();
        money["m"] = 10.10m;
        Assert.Equal(10.35m, await money.IncrementAsync("m", 0.25m));
    }

    [Fact(Timeout = 60_000)]
    public async Task Increment_FourClientsTimesTwoThousand_GivesExactlyEightThousand()
    {
        ISharedDictionary<string, int> counts = await _manager.CreateDictionaryAsync<string, int>();
        await _manager.PublishAsync("counts", counts);
        await RunClientsAsync(4, async client =>
        {
            ISharedDictionary<string, int> mine = await client.LookupAsync<ISharedDictionary<string, int>>("counts");
            for (int i = 0; i < 2_000; i++)
            {
                mine.Increment("hits", 1);
            }
        });

        Assert.Equal(8_000, counts["hits"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task TryUpdate_CasLoopsFromFourClients_GiveExactlyEightThousand()
    {
        ISharedDictionary<string, int> counts = await _manager.CreateDictionaryAsync<string, int>();
        counts["n"] = 0;
        await _manager.PublishAsync("cas", counts);
        await RunClientsAsync(4, async client =>
        {
            ISharedDictionary<string, int> mine = await client.LookupAsync<ISharedDictionary<string, int>>("cas");
            for (int i = 0; i < 2_000; i++)
            {
                int seen;
                do
                {
                    seen = mine["n"];
                }
                while (!mine.TryUpdate("n", seen + 1, seen));
            }
        });

        Assert.Equal(8_000, counts["n"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task StoredList_IsAReference_VisibleThroughEveryProxy()
    {
        ISharedDictionary<string, ISharedList<int>> d = await _manager.CreateDictionaryAsync<string, ISharedList<int>>();
        await using Manager other = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        d["k"] = await _manager.CreateListAsync<int>();
        await _manager.PublishAsync("d", d);

        ISharedDictionary<string, ISharedList<int>> remote = await other.LookupAsync<ISharedDictionary<string, ISharedList<int>>>("d");
        remote["k"].Add(7);
        d["k"].Add(8);

        Assert.Equal([7, 8], remote["k"].ToArray());
    }

    private async Task RunClientsAsync(int count, Func<Manager, Task> work)
    {
        Manager[] clients = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Manager.ConnectAsync(_manager.Address, _manager.AuthKey)));
        try
        {
            await Task.WhenAll(clients.Select(client => Task.Run(() => work(client))));
        }
        finally
        {
            foreach (Manager client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
