using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class SharedValueAndNamespaceTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Value_GetSetExchangeCompareExchange()
    {
        ISharedValue<string> value = await _manager.CreateValueAsync("a");
        Assert.Equal("a", value.Value);
        value.Value = "b";
        Assert.Equal("b", value.Exchange("c"));
        Assert.Equal("c", value.CompareExchange("d", "wrong"));
        Assert.Equal("c", await value.GetAsync());
        Assert.Equal("c", value.CompareExchange("d", "c"));
        await value.SetAsync("e");
        Assert.Equal("e", value.Value);
    }

    [Fact(Timeout = 60_000)]
    public async Task Value_Increment_FromFourClients_IsExact()
    {
        ISharedValue<long> total = await _manager.CreateValueAsync(0L);
        await _manager.PublishAsync("total", total);
        Manager[] clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Manager.ConnectAsync(_manager.Address, _manager.AuthKey)));
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            ISharedValue<long> mine = await client.LookupAsync<ISharedValue<long>>("total");
            for (int i = 0; i < 2_000; i++)
            {
                await mine.IncrementAsync(1);
            }
        })));
        foreach (Manager client in clients)
        {
            await client.DisposeAsync();
        }

        Assert.Equal(8_000L, total.Value);
        Assert.Equal(7_990L, total.Increment(-10));
    }

    [Fact(Timeout = 20_000)]
    public async Task Value_WrongType_IsRefused_Unchanged()
    {
        ISharedValue<int> value = await _manager.CreateValueAsync(5);
        await Assert.ThrowsAsync<ArgumentException>(() => SharedObject.FromProxy(value).InvokeAsync("Set", "five"));
        Assert.Equal(5, value.Value);
    }

    [Fact(Timeout = 20_000)]
    public async Task Namespace_TypedAndDynamicAccess()
    {
        ISharedNamespace ns = await _manager.CreateNamespaceAsync();
        ns.SetValue("count", 3);
        ns.SetValue("home", new Address("Elm", 2));
        Assert.Equal(3, ns.GetValue<int>("count"));
        Assert.Equal(new Address("Elm", 2), ns.GetValue<Address>("home"));
        Assert.False(ns.TryGetValue<int>("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => ns.GetValue<int>("missing"));

        dynamic d = ns;
        d.Label = "hello";
        string label = d.Label;
        Assert.Equal("hello", label);
        Assert.Equal(["Label", "count", "home"], ns.Names);
        Assert.True(ns.Remove("Label"));
    }

    [Fact(Timeout = 20_000)]
    public async Task Namespace_HoldsProxiesAsReferences()
    {
        ISharedNamespace ns = await _manager.CreateNamespaceAsync();
        IEmployee boss = await _manager.CreateAsync<IEmployee>("Boss", 1m);
        ns.SetValue("boss", boss);
        ((IDisposable)boss).Dispose();
        Assert.Equal(2m, ns.GetValue<IEmployee>("boss").Raise(1m));
    }
}
