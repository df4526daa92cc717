using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Processes;

/// <summary>Integration tests: pool initializers that take an argument (Python's <c>initargs</c>), on real workers and a real manager.</summary>
[Trait("Kind", "Process")]
public sealed class PoolInitializerTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(TestOptions.Create());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task WithInitializer_ProxyArgument_EveryWorkerKeepsItForItsTasks()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        ISharedList<int> log = await _manager.CreateListAsync<int>(cancellationToken: timeout);
        ProcessPoolOptions options = new ProcessPoolOptions().WithInitializer(InitializerTargets.KeepLog, log);

        ProcessPool pool = await ProcessPool.StartAsync(2, options, timeout);
        await using (PoolGuard.For(pool))
        {
            int[] results = await pool.MapAsync(InitializerTargets.LogProcessId, Enumerable.Range(0, 40), chunkSize: 1, cancellationToken: timeout);

            Assert.Equal(Enumerable.Range(0, 40), results);
            Assert.Equal(40, log.Count);
            Assert.DoesNotContain(Environment.ProcessId, log.ToArray());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task WithInitializer_ReplacedWorkers_EachAdoptTheirOwnReference()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        ISharedList<int> log = await _manager.CreateListAsync<int>(cancellationToken: timeout);
        ProcessPoolOptions options = new ProcessPoolOptions { MaxTasksPerWorker = 1 }.WithInitializer(InitializerTargets.KeepLog, log);
        Assert.Equal(1, options.MaxTasksPerWorker);
        Assert.Null(options.Initializer);

        ProcessPool pool = await ProcessPool.StartAsync(1, options, timeout);
        await using (PoolGuard.For(pool))
        {
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(i, await pool.ApplyAsync(InitializerTargets.LogProcessId, i, timeout));
            }
        }

        // One task per worker: four processes, each of which adopted the list itself.
        Assert.Equal(4, log.ToArray().Distinct().Count());
    }

    [Fact(Timeout = 60_000)]
    public async Task WithInitializer_CallerDisposesItsProxy_ThePoolKeepsItsOwnReferenceUntilDisposed()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        ISharedList<int> log = await _manager.CreateListAsync<int>(cancellationToken: timeout);
        ProcessPoolOptions options = new ProcessPoolOptions { MaxTasksPerWorker = 1 }.WithInitializer(InitializerTargets.KeepLog, log);

        ProcessPool pool = await ProcessPool.StartAsync(1, options, timeout);
        await using (PoolGuard.For(pool))
        {
            ((IDisposable)log).Dispose();

            // Every task retires its worker: each replacement adopts the list from the pool's own reference.
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(i, await pool.ApplyAsync(InitializerTargets.LogProcessId, i, timeout));
            }

            Assert.Equal(1, (await _manager.GetStatsAsync(timeout)).ObjectCount);
        }

        // The pool's reference and its workers' went with it: the list is gone.
        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync(timeout)).ObjectCount == 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReplacementsThatCannotStart_FailQueuedWorkInsteadOfLeavingItWaiting()
    {
        CancellationToken timeout = TestTimeout.Token(50);
        Manager doomed = await Manager.StartAsync(TestOptions.Create());
        ISharedList<int> log = await doomed.CreateListAsync<int>(cancellationToken: timeout);
        ProcessPoolOptions options = new ProcessPoolOptions { MaxTasksPerWorker = 1 }.WithInitializer(InitializerTargets.KeepLog, log);
        ProcessPool pool = await ProcessPool.StartAsync(2, options, timeout);
        await using (PoolGuard.For(pool))
        {
            // With the initializer's manager gone, no replacement can be handed the list.
            await doomed.DisposeAsync();

            // Both workers retire together, so both replacements fail at about the same moment;
            // the third task waits in the queue and must be failed by whichever failure comes last.
            Task<int>[] tasks = [.. Enumerable.Range(1, 3).Select(i => pool.ApplyAsync(PoolTargets.Square, i, timeout))];

            Assert.Equal(1, await tasks[0]);
            Assert.Equal(4, await tasks[1]);
            InvalidOperationException fault = await Assert.ThrowsAsync<InvalidOperationException>(() => tasks[2]);
            Assert.IsType<ManagerUnavailableException>(fault.InnerException);
            await Assert.ThrowsAsync<InvalidOperationException>(() => pool.ApplyAsync(PoolTargets.Square, 4, timeout));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task WithInitializer_ArgumentThatCannotBeSent_FailsTheStartWithArgumentException()
    {
        ProcessPoolOptions options = new ProcessPoolOptions().WithInitializer(InitializerTargets.TakeCallback, () => { });

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => ProcessPool.StartAsync(1, options, TestTimeout.Token(20)));

        Assert.Contains("cannot be sent to a worker", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task WithInitializer_ProxyOfAStoppedManager_FailsTheStartWithManagerUnavailable()
    {
        Manager stopped = await Manager.StartAsync(TestOptions.Create());
        ISharedList<int> orphan = await stopped.CreateListAsync<int>();
        await stopped.DisposeAsync();
        ProcessPoolOptions options = new ProcessPoolOptions().WithInitializer(InitializerTargets.KeepLog, orphan);

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => ProcessPool.StartAsync(1, options, TestTimeout.Token(20)));
    }

    [Fact]
    public void WithInitializer_NullInitializer_Throws()
        => Assert.Throws<ArgumentNullException>(() => new ProcessPoolOptions().WithInitializer<int>(null!, 1));
}
