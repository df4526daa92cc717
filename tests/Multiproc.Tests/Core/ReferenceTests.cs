using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class ReferenceTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task ProxyPassedAsArgument_StaysAReferenceToTheSameObject()
    {
        IEmployee boss = await _manager.CreateAsync<IEmployee>("Boss", 100m);
        IEmployee worker = await _manager.CreateAsync<IEmployee>("Worker", 10m);
        worker.Manager = boss;

        IEmployee bossAgain = worker.Manager!;
        bossAgain.Raise(5m);

        Assert.Equal(105m, boss.Salary);
        Assert.Equal("Boss", bossAgain.Name);
        Assert.Equal(SharedObject.FromProxy(boss), SharedObject.FromProxy(bossAgain));
    }

    [Fact(Timeout = 20_000)]
    public async Task ReferenceHeldByAnotherObject_KeepsTheObjectAlive()
    {
        IEmployee worker = await _manager.CreateAsync<IEmployee>("Worker", 10m);
        IEmployee boss = await _manager.CreateAsync<IEmployee>("Boss", 100m);
        worker.Manager = boss;
        ((IDisposable)boss).Dispose();

        IEmployee found = worker.Manager!;
        Assert.Equal(101m, found.Raise(1m));
    }

    [Fact(Timeout = 20_000)]
    public async Task ProxyOfAnotherManager_IsRejected()
    {
        await using Manager other = await Manager.StartAsync(CreateOptions());
        IEmployee foreign = await other.CreateAsync<IEmployee>("Foreign");
        IEmployee local = await _manager.CreateAsync<IEmployee>("Local");

        ArgumentException error = Assert.Throws<ArgumentException>(() => local.Manager = foreign);
        Assert.Contains("belongs to the manager", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task UntypedHandle_InvokesByName_WithOverloads()
    {
        SharedObject ledger = await _manager.CreateAsync("Ledger", "ops");
        Assert.Equal(1, await ledger.InvokeAsync<int>("Add", "first"));
        Assert.Equal(4, await ledger.InvokeAsync<int>("Add", "x", 3));
        Assert.Equal("ops", ledger.Invoke<string>("get_Owner"));
        Assert.Equal(["first", "x", "x", "x"], await ledger.InvokeAsync<string[]>("Entries"));
    }

    [Fact(Timeout = 20_000)]
    public async Task UntypedHandle_SupportsDynamic()
    {
        dynamic ledger = await _manager.CreateAsync("Ledger", "dyn");
        ledger.Add("a");
        long count = ledger.Count;
        string owner = ledger.Owner;
        Assert.Equal(1, count);
        Assert.Equal("dyn", owner);
    }

    [Fact(Timeout = 20_000)]
    public async Task UntypedHandle_As_GivesTypedProxy()
    {
        SharedObject handle = await _manager.CreateAsync(typeof(IEmployee).FullName!, "Gina", 3m);
        Assert.Equal(4m, handle.As<IEmployee>().Raise(1m));
    }
}
