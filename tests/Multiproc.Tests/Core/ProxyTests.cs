using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class ProxyTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync()
        => _manager = await Manager.StartAsync(TestOptions.Bare(ListenAddress).Register<IEmployee, Employee>());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task SyncMethod_WithArgument_ReturnsRemoteResult()
    {
        IEmployee alice = await _manager.CreateAsync<IEmployee>("Alice", 50_000m);
        Assert.Equal(50_010m, alice.Raise(10m));
        Assert.Equal(50_010m, alice.Salary);
    }

    [Fact(Timeout = 20_000)]
    public async Task AsyncMethods_TaskAndValueTask_ReturnResults()
    {
        IEmployee alice = await _manager.CreateAsync<IEmployee>("Alice", 100m);
        Assert.Equal(110m, await alice.RaiseAsync(10m));
        Assert.Equal("Alice earns 110", await alice.DescribeAsync());
        await alice.DelayAsync(1, TestTimeout.Token());
    }

    [Fact(Timeout = 20_000)]
    public async Task Properties_GetAndSet_RoundTrip()
    {
        IEmployee bob = await _manager.CreateAsync<IEmployee>("Bob");
        bob.Salary = 42m;
        bob.Home = new Address("Elm", 7);
        Assert.Equal(42m, bob.Salary);
        Assert.Equal(new Address("Elm", 7), bob.Home);
        Assert.Equal("Bob", bob.Name);
    }

    [Fact(Timeout = 20_000)]
    public async Task Overloads_AreDispatchedBySignature()
    {
        IEmployee carol = await _manager.CreateAsync<IEmployee>("Carol", 100m);
        Assert.Equal(101m, carol.Raise(1m));
        Assert.Equal(112m, carol.Raise(10, roundUp: true));
    }

    [Fact(Timeout = 20_000)]
    public async Task CancellationToken_CancelsTheRemoteCall()
    {
        IEmployee dave = await _manager.CreateAsync<IEmployee>("Dave");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dave.DelayAsync(60_000, cancel.Token));
        Assert.Equal(0m, dave.Salary);
    }

    [Fact(Timeout = 20_000)]
    public async Task Pipelined_ManyAsyncCalls_AllComplete()
    {
        IEmployee eve = await _manager.CreateAsync<IEmployee>("Eve", 0m);
        Task<decimal>[] calls = [.. Enumerable.Range(0, 2_000).Select(_ => eve.RaiseAsync(1m))];
        decimal[] results = await Task.WhenAll(calls);
        Assert.Equal(2_000m, eve.Salary);
        Assert.Equal(Enumerable.Range(1, 2_000).Select(i => (decimal)i), results.Order());
    }

    [Fact(Timeout = 30_000)]
    public async Task AsyncThenSyncCall_FromOneThread_RunInIssueOrder()
    {
        IEmployee counter = await _manager.CreateAsync<IEmployee>("Order", 0m);
        await Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                // The async call's frame may wait in the batching queue; the sync call must not overtake it.
                Task<decimal> first = counter.RaiseAsync(1m);
                decimal second = counter.Raise(1m);
                Assert.Equal((2 * i) + 1, await first);
                Assert.Equal((2 * i) + 2, second);
            }
        });
    }

    [Fact(Timeout = 20_000)]
    public async Task CreateAsync_NoConstructorFits_ThrowsClearError()
    {
        MissingMethodException error = await Assert.ThrowsAsync<MissingMethodException>(() => _manager.CreateAsync<IEmployee>("a", 1m, 2m));
        Assert.Contains("constructor", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task CreateAsync_UnregisteredType_ThrowsArgumentException()
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => _manager.CreateAsync("NoSuchType"));
        Assert.Contains("NoSuchType", error.Message, StringComparison.Ordinal);
    }
}
