using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class SharedListTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task ListMembers_BehaveLikeIList()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>([1, 2, 3]);
        list.Add(4);
        list.Insert(0, 0);
        list[1] = 10;
        Assert.Equal(5, list.Count);
        Assert.Equal([0, 10, 2, 3, 4], list.ToArray());
        Assert.True(list.Remove(2));
        Assert.False(list.Remove(99));
        Assert.Equal(2, list.IndexOf(3));
        Assert.Contains(4, list);
        list.RemoveAt(0);
        Assert.Equal([10, 3, 4], list);
        list.AddRange([5, 6]);
        Assert.Equal(6, list.Pop());
        Assert.True(list.TryPop(out int five));
        Assert.Equal(5, five);
        list.Clear();
        Assert.Empty(list);
        Assert.False(list.TryPop(out _));
        Assert.Throws<InvalidOperationException>(() => list.Pop());
    }

    [Fact(Timeout = 20_000)]
    public async Task Index_OutOfRange_ThrowsArgumentOutOfRange_AndChangesNothing()
    {
        ISharedList<string> list = await _manager.CreateListAsync<string>(["a"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1] = "x");
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Insert(3, "x"));
        Assert.Equal(["a"], list.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task WrongValueType_ThroughUntypedAccess_IsRefused_ListUnchanged()
    {
        ISharedList<int> list = await _manager.CreateListAsync<int>([1]);
        SharedObject handle = SharedObject.FromProxy(list);
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => handle.InvokeAsync("Add", "not an int"));
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal([1], list.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task Records_RoundTrip()
    {
        ISharedList<Address> list = await _manager.CreateListAsync<Address>();
        await list.AddAsync(new Address("Elm", 1));
        Assert.Equal([new Address("Elm", 1)], await list.ToArrayAsync());
        Assert.Equal((true, new Address("Elm", 1)), await list.TryPopAsync());
    }

    [Fact(Timeout = 20_000)]
    public async Task StoredProxy_IsAReference_KeptAliveByTheList()
    {
        ISharedList<IEmployee> staff = await _manager.CreateListAsync<IEmployee>();
        IEmployee alice = await _manager.CreateAsync<IEmployee>("Alice", 10m);
        staff.Add(alice);
        ((IDisposable)alice).Dispose();

        IEmployee stored = staff[0];
        stored.Raise(5m);
        Assert.Equal(15m, staff[0].Salary);

        ISharedList<ISharedList<int>> nested = await _manager.CreateListAsync<ISharedList<int>>();
        ISharedList<int> inner = await _manager.CreateListAsync<int>();
        nested.Add(inner);
        nested[0].Add(42);
        Assert.Equal([42], inner.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task PoppedProxy_StaysAlive_ThenIsReleasedWithTheLastProxy()
    {
        ISharedList<ITracked> list = await _manager.CreateListAsync<ITracked>();
        // Unique: the Unix and TCP runs of this test share the static dispose record.
        string tag = $"popped-{Guid.NewGuid():N}";
        ITracked tracked = await _manager.CreateAsync<ITracked>(tag);
        list.Add(tracked);
        ((IDisposable)tracked).Dispose();

        ITracked popped = list.Pop();
        Assert.Equal(tag, popped.Tag);
        ((IDisposable)popped).Dispose();

        await TestTimeout.UntilAsync(() => Task.FromResult(Tracked.WasDisposed(tag)));
    }
}
