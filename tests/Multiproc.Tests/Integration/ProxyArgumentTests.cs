using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Integration;

/// <summary>Proxies passed to real worker processes as arguments and returned as results.</summary>
[Trait("Kind", "Process")]
public sealed class ProxyArgumentTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task TwoWorkers_DrainASharedList_EachItemCountedOnce()
    {
        ISharedList<int> items = await _manager.CreateListAsync(Enumerable.Range(1, 500));
        ISharedDictionary<string, int> totals = await _manager.CreateDictionaryAsync<string, int>();

        await using WorkerProcess first = WorkerProcess.Start(ProxyArgumentTargets.DrainInto, items, totals);
        await using WorkerProcess second = WorkerProcess.Start(ProxyArgumentTargets.DrainInto, items, totals);
        await Task.WhenAll(first.Completion, second.Completion).WaitAsync(TestTimeout.Token(50));

        Assert.Empty(items);
        Assert.Equal(500, totals["count"]);
        Assert.Equal(500 * 501 / 2, totals["sum"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task RecordOfProxies_ReachesTheWorker_AsReferences()
    {
        IEmployee[] members = [await _manager.CreateAsync<IEmployee>("A", 10m), await _manager.CreateAsync<IEmployee>("B", 20m)];
        await using WorkerProcess<decimal> worker = WorkerProcess.Start(ProxyArgumentTargets.RaiseEveryone, new Team("t", members), 5m);

        Assert.Equal(40m, await worker.Result.WaitAsync(TestTimeout.Token(50)));
        Assert.Equal(15m, members[0].Salary);
        Assert.Equal(25m, members[1].Salary);
    }

    [Fact(Timeout = 60_000)]
    public async Task ProxyReturnedByWorker_IsAReferenceInTheParent()
    {
        ISharedList<ISharedList<string>> shelf = await _manager.CreateListAsync<ISharedList<string>>();
        shelf.Add(await _manager.CreateListAsync<string>());
        await using WorkerProcess<ISharedList<string>> worker = WorkerProcess.Start(ProxyArgumentTargets.CreateInWorker, shelf);

        ISharedList<string> returned = await worker.Result.WaitAsync(TestTimeout.Token(50));
        returned.Add("from parent");
        Assert.Equal(2, shelf[0].Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task RecordDeclaredAsObject_ReachesTheWorker_AsAMap()
    {
        await using WorkerProcess<int> worker = WorkerProcess.Start(ProxyArgumentTargets.CountFields, (object)new Address("Elm", 3));
        Assert.Equal(2, await worker.Result.WaitAsync(TestTimeout.Token(50)));
    }

    [Fact(Timeout = 60_000)]
    public async Task SharedArray_PassedToWorker_IsMappedNotCopied()
    {
        using SharedArray<long> numbers = await _manager.CreateArrayAsync<long>(100);
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = i;
        }

        await using WorkerProcess<long> worker = WorkerProcess.Start(ProxyArgumentTargets.SumArray, numbers);
        Assert.Equal(4950L, await worker.Result.WaitAsync(TestTimeout.Token(50)));
        Assert.Equal(-1L, numbers[0]);
    }

    [Fact(Timeout = 60_000)]
    public async Task LockHeldByKilledWorker_IsAcquiredByAWaiterWithinTwoSeconds()
    {
        ISharedLock gate = await _manager.CreateLockAsync();
        ISharedEvent acquired = await _manager.CreateEventAsync();
        await using WorkerProcess<int> holder = WorkerProcess.Start(ProxyArgumentTargets.LockAndHold, gate, acquired);
        Assert.True(await acquired.WaitAsync(TimeSpan.FromSeconds(40)), "the worker never took the lock");
        Assert.False(gate.TryAcquire(TimeSpan.FromMilliseconds(50)));

        holder.Kill();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await gate.TryAcquireAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        gate.Release();
    }
}
