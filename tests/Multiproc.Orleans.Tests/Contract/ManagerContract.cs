using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>
/// The behaviour every backend of <see cref="Manager"/> shares: one manager (<see cref="SingleManagerContractTests"/>)
/// and an Orleans cluster (<see cref="ClusterContractTests"/>) run these same tests. A deliberate difference is a
/// named test in the subclass it belongs to (docs/cluster.md, "What differs from one manager"); any other difference
/// is a bug.
/// </summary>
/// <remarks>Split by concern: calls and references here, names and connections, built-ins, waiting built-ins.</remarks>
public abstract partial class ManagerContract
{
    /// <summary>Gets the backend's manager, shared by the tests of the class.</summary>
    protected abstract Manager Manager { get; }

    /// <summary>Opens a second, independent client of the same backend, as another process would; the caller disposes it.</summary>
    protected abstract Task<Manager> ConnectAnotherAsync(CancellationToken cancellationToken);

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_TypedProxy_SyncAsyncPropertiesAndOverloadsReachTheOneObject()
    {
        IEmployee alice = await Manager.CreateAsync<IEmployee>(["Alice", 100m], TestTimeout.Token());

        decimal afterSync = alice.Raise(10m);
        decimal afterAsync = await alice.RaiseAsync(5m);
        alice.Salary = alice.Salary + 1m;

        Assert.Equal(110m, afterSync);
        Assert.Equal(115m, afterAsync);
        Assert.Equal(116m, alice.Salary);
        Assert.Equal("Alice", alice.Name);
        Assert.Equal("Alice earns 116", await alice.DescribeAsync());
        Assert.Equal(121m, alice.Raise(4, roundUp: true));
        alice.Home = new Address("High", 7);
        Assert.Equal(new Address("High", 7), alice.Home);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_ManyObjects_EachKeepsItsOwnState()
    {
        IEmployee[] staff = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Manager.CreateAsync<IEmployee>([$"E{i}", (decimal)i], TestTimeout.Token())));
        await Task.WhenAll(staff.Select(e => e.RaiseAsync(1000m)));

        Assert.Equal(20, staff.Select(e => SharedObject.FromProxy(e).ObjectId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 1000m + i), staff.Select(e => e.Salary));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_Untyped_CallsByBareMemberName_AndBecomesATypedProxy()
    {
        SharedObject judy = await Manager.CreateAsync(typeof(IEmployee).FullName!, ["Judy", 2m], TestTimeout.Token());

        decimal raised = await judy.InvokeAsync<decimal>("Raise", [3m], TestTimeout.Token());

        Assert.Equal(5m, raised);
        Assert.Equal("Judy", await judy.InvokeAsync<string>("get_Name", [], TestTimeout.Token()));
        Assert.Equal(6m, judy.As<IEmployee>().Raise(1m));
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyAsArgument_IsStoredAsReference_AndComesBackAsAProxyToTheSameObject()
    {
        IEmployee bob = await Manager.CreateAsync<IEmployee>(["Bob", 1m], TestTimeout.Token());
        IEmployee boss = await Manager.CreateAsync<IEmployee>(["Boss", 500m], TestTimeout.Token());

        bob.Manager = boss;
        IEmployee returned = bob.Manager!;
        returned.Raise(50m);

        Assert.Equal(SharedObject.FromProxy(boss).ObjectId, SharedObject.FromProxy(returned).ObjectId);
        Assert.Equal(550m, boss.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task ObjectCallsAnotherObject_SyncAndAsync_ThroughTheReferenceItHolds()
    {
        ITeam team = await Manager.CreateAsync<ITeam>([], TestTimeout.Token());
        IEmployee lead = await Manager.CreateAsync<IEmployee>(["Lead", 10m], TestTimeout.Token());
        team.Lead = lead;

        Assert.Equal(15m, team.RaiseLead(5m));
        Assert.Equal(22m, await team.RaiseLeadAsync(7m));
        Assert.Equal(22m, lead.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task AsyncCycle_AToBToA_ReentersTheWaitingObject()
    {
        (ITeam a, _) = await TeamPairAsync();

        Assert.Equal(5, await a.BounceAsync(5));
    }

    [Fact(Timeout = 30_000)]
    public async Task SyncCallThroughAStoredReference_WithoutACycle_Works()
    {
        (ITeam a, _) = await TeamPairAsync();

        Assert.Equal(1, a.Bounce(1));
    }

    [Fact(Timeout = 30_000)]
    public async Task ConcurrentCalls_OnOneObject_NeverOverlap()
    {
        ICounter counter = await Manager.CreateAsync<ICounter>([], TestTimeout.Token());

        // RacyCounter's increment is a read-spin-write: any overlap loses an increment.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 25; i++)
            {
                counter.IncrementSlowly();
            }
        })));

        Assert.Equal(200, counter.Value);
    }

    [Fact(Timeout = 30_000)]
    public async Task CancellingAnAsyncCall_ReachesTheObject_WhichIsFreeForTheNextCall()
    {
        IEmployee ivan = await Manager.CreateAsync<IEmployee>(["Ivan", 1m], TestTimeout.Token());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ivan.DelayAsync(60_000, cancel.Token));

        // Had the cancellation not reached the object, its one turn would still be in the 60 s delay.
        Assert.Equal("Ivan earns 1", await ivan.DescribeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact(Timeout = 30_000)]
    public async Task RemoteException_BclType_IsRethrownAsItself_OthersAsRemoteException()
    {
        IEmployee carol = await Manager.CreateAsync<IEmployee>(["Carol", 1m], TestTimeout.Token());

        ArgumentException argument = Assert.Throws<ArgumentException>(() => carol.Fail("argument"));
        Assert.Throws<InvalidOperationException>(() => carol.Fail("invalid"));
        Assert.Throws<KeyNotFoundException>(() => carol.Fail("keynotfound"));
        RemoteException custom = Assert.Throws<RemoteException>(() => carol.Fail("custom"));
        RemoteException viaHandle = await Assert.ThrowsAsync<RemoteException>(
            () => SharedObject.FromProxy(carol).InvokeAsync("Fail", ["custom"], TestTimeout.Token()));

        Assert.Contains("bad argument from Fail", argument.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(CustomFailureException).FullName, custom.RemoteTypeName);
        Assert.Equal(typeof(CustomFailureException).FullName, viaHandle.RemoteTypeName);
        Assert.Equal(1m, carol.Salary);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_UnregisteredTypeOrWrongArguments_ThrowsArgumentOrMissingMethod()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.CreateAsync("No.Such.Type", [], TestTimeout.Token()));
        await Assert.ThrowsAsync<MissingMethodException>(() => Manager.CreateAsync<IEmployee>([1, 2, 3], TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task InvokeAsync_UnknownMemberOrWrongArguments_ThrowsMissingMethod_AndTheObjectServesOn()
    {
        SharedObject kim = await Manager.CreateAsync(typeof(IEmployee).FullName!, ["Kim", 1m], TestTimeout.Token());

        await Assert.ThrowsAsync<MissingMethodException>(() => kim.InvokeAsync("NoSuchMember", [], TestTimeout.Token()));
        await Assert.ThrowsAsync<MissingMethodException>(() => kim.InvokeAsync("Raise", ["a", "b", "c"], TestTimeout.Token()));

        Assert.Equal(2m, await kim.InvokeAsync<decimal>("Raise", [1m], TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task ProxyOfAnotherManager_IsRefusedAsAnArgument()
    {
        await using Manager foreign = await Manager.StartAsync(new ManagerOptions().Register<IEmployee, Employee>(), TestTimeout.Token());
        IEmployee stranger = await foreign.CreateAsync<IEmployee>(["Stranger", 1m], TestTimeout.Token());
        IEmployee local = await Manager.CreateAsync<IEmployee>(["Local", 1m], TestTimeout.Token());

        ArgumentException refused = Assert.Throws<ArgumentException>(() => local.Manager = stranger);

        Assert.Contains("belongs to the manager at", refused.Message, StringComparison.Ordinal);
        Assert.Null(local.Manager);
    }

    [Fact(Timeout = 30_000)]
    public async Task ControlCalls_HonourTheCallersToken()
    {
        IEmployee eve = await Manager.CreateAsync<IEmployee>(["Eve", 1m], TestTimeout.Token());
        string name = UniqueName("eve");
        await Manager.PublishAsync(name, eve, TestTimeout.Token());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Manager.LookupAsync<IEmployee>(name, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Manager.UnpublishAsync(name, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Manager.CreateAsync<IEmployee>(["Mallory", 1m], cancelled.Token));

        // Nothing was undone by the cancelled unpublish.
        Assert.Equal(1m, (await Manager.LookupAsync<IEmployee>(name, TestTimeout.Token())).Salary);
    }

    /// <summary>Two teams that are each other's partner (a cycle of references).</summary>
    protected async Task<(ITeam A, ITeam B)> TeamPairAsync()
    {
        ITeam a = await Manager.CreateAsync<ITeam>([], TestTimeout.Token());
        ITeam b = await Manager.CreateAsync<ITeam>([], TestTimeout.Token());
        a.Partner = b;
        b.Partner = a;
        return (a, b);
    }

    /// <summary>A name no other test (or earlier run against a shared backend) uses.</summary>
    protected static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
