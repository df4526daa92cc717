using Multiproc.Tests.Infrastructure;
namespace Multiproc.Tests.Processes;

/// <summary>Integration tests: real pools of worker processes.</summary>
[Trait("Kind", "Process")]
public sealed class ProcessPoolTests
{
    [Fact]
    public async Task MapAsync_TenThousandItems_ReturnsResultsInOrder()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            int[] results = await pool.MapAsync(PoolTargets.Square, Enumerable.Range(0, 10_000), cancellationToken: timeout);

            Assert.Equal(Enumerable.Range(0, 10_000).Select(x => x * x), results);
        }
    }

    [Fact]
    public async Task MapAsync_ExplicitChunkSizeAndProgress_ReportsEveryItem()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var progress = new RecordingProgress();
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            string[] results = await pool.MapAsync(PoolTargets.Label, Enumerable.Range(0, 1_000), chunkSize: 100, progress, timeout);

            Assert.Equal("item-999", results[999]);
            Assert.Equal(10, progress.Reports.Length);
            Assert.Equal(1_000, progress.Reports[^1]);
            Assert.Equal(progress.Reports.Order(), progress.Reports);
        }
    }

    [Fact]
    public async Task MapUnorderedAsync_Items_ReturnsEveryResultOnce()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            var results = new List<int>();
            await foreach (int result in pool.MapUnorderedAsync(PoolTargets.Square, Enumerable.Range(0, 500), chunkSize: 10, cancellationToken: timeout))
            {
                results.Add(result);
            }

            Assert.Equal(Enumerable.Range(0, 500).Select(x => x * x), results.Order());
        }
    }

    [Fact]
    public async Task MapStreamAsync_LazyItems_YieldsResultsInOrder()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            var results = new List<int>();
            await foreach (int result in pool.MapStreamAsync(PoolTargets.Square, Lazy(2_000), chunkSize: 7, cancellationToken: timeout))
            {
                results.Add(result);
            }

            Assert.Equal(Lazy(2_000).Select(x => x * x), results);
        }

        static IEnumerable<int> Lazy(int count)
        {
            for (int i = 0; i < count; i++)
            {
                yield return i;
            }
        }
    }

    [Fact]
    public async Task MapStreamAsync_ConsumerStopsEarly_RemainingWorkIsWithdrawnAndPoolStaysUsable()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            var taken = new List<int>();
            await foreach (int result in pool.MapStreamAsync(PoolTargets.Square, Enumerable.Range(0, 1_000_000), chunkSize: 10, cancellationToken: timeout))
            {
                taken.Add(result);
                if (taken.Count == 25)
                {
                    break;
                }
            }

            Assert.Equal(Enumerable.Range(0, 25).Select(x => x * x), taken);
            Assert.Equal(64, await pool.ApplyAsync(PoolTargets.Square, 8, timeout));
        }
    }

    [Fact]
    public async Task MapUnorderedAsync_TargetThrows_FailureSurfacesWhileEnumerating()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            // A BCL exception thrown in a worker arrives as itself, as from a manager call.
            ArgumentOutOfRangeException error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            {
                await foreach (int result in pool.MapUnorderedAsync(PoolTargets.ThrowOnThirteen, Enumerable.Range(0, 100), chunkSize: 5, cancellationToken: timeout))
                {
                    Assert.NotEqual(13, result);
                }
            });

            Assert.Contains("thirteen", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApplyAsync_ZeroOneAndTwoArguments_ReturnResults()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            Assert.Equal(7, await pool.ApplyAsync(PoolTargets.Seven, timeout));
            Assert.Equal(81, await pool.ApplyAsync(PoolTargets.Square, 9, timeout));
            Assert.Equal(5, await pool.ApplyAsync(PoolTargets.Add, 2, 3, timeout));
            Assert.Equal(12, await pool.ApplyAsync(static (int a, int b) => a * b, 3, 4, timeout));
            Assert.NotEqual(Environment.ProcessId, await pool.ApplyAsync(PoolTargets.ProcessId, timeout));
        }
    }

    [Fact]
    public async Task ApplyAsync_TargetThrows_FaultsWithTheSameExceptionType_AndTheWorkersStack()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(1, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            ArgumentOutOfRangeException error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.ApplyAsync(PoolTargets.ThrowOnThirteen, 13, timeout));

            Assert.Contains(nameof(PoolTargets.ThrowOnThirteen), error.StackTrace, StringComparison.Ordinal);
            Assert.Equal(14, await pool.ApplyAsync(PoolTargets.ThrowOnThirteen, 14, timeout));
        }
    }

    [Fact]
    public async Task MapAsync_TargetThrowsForOneItem_FaultsWithTheSameExceptionType()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pool.MapAsync(PoolTargets.ThrowOnThirteen, Enumerable.Range(0, 100), cancellationToken: timeout));

            Assert.Equal(new[] { 0, 1, 2 }, await pool.MapAsync(PoolTargets.ThrowOnThirteen, new[] { 0, 1, 2 }, cancellationToken: timeout));
        }
    }

    [Fact]
    public async Task MapAsync_Canceled_ThrowsOperationCanceledAndPoolStaysUsable()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var options = new ProcessPoolOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        ProcessPool pool = await ProcessPool.StartAsync(2, options, timeout);
        await using (PoolGuard.For(pool))
        {
            using var cancel = new CancellationTokenSource();
            Task<int[]> blocked = pool.MapAsync(PoolTargets.Block, Enumerable.Range(0, 10), chunkSize: 1, cancellationToken: cancel.Token);
            Task<int> queued = pool.ApplyAsync(PoolTargets.Seven, cancel.Token);

            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked.WaitAsync(timeout));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(timeout));
        }
    }

    [Fact]
    public async Task StartAsync_WithInitializer_RunsItOncePerWorker()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var options = new ProcessPoolOptions { Initializer = PoolTargets.Initialize };
        ProcessPool pool = await ProcessPool.StartAsync(2, options, timeout);
        await using (PoolGuard.For(pool))
        {
            WorkerInfo[] infos = await pool.MapAsync(PoolTargets.Describe, Enumerable.Range(0, 40), chunkSize: 1, cancellationToken: timeout);

            Assert.All(infos, info => Assert.Equal(1, info.Initializations));
            Assert.InRange(infos.Select(i => i.ProcessId).Distinct().Count(), 1, 2);
        }
    }

    [Fact]
    public async Task StartAsync_InitializerThrows_FailsWithItsExceptionAndLeavesNoProcess()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var options = new ProcessPoolOptions { Initializer = WorkerTargets.ThrowFromAction };

        FormatException error = await Assert.ThrowsAsync<FormatException>(() => ProcessPool.StartAsync(2, options, timeout));

        Assert.Equal("bad format in worker", error.Message);
    }

    [Fact]
    public async Task MaxTasksPerWorker_Reached_RecyclesTheWorker()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var options = new ProcessPoolOptions { MaxTasksPerWorker = 2 };
        ProcessPool pool = await ProcessPool.StartAsync(1, options, timeout);
        var pids = new List<int>();
        await using (PoolGuard.For(pool))
        {
            for (int i = 0; i < 6; i++)
            {
                pids.Add(await pool.ApplyAsync(PoolTargets.ProcessId, timeout));
            }
        }

        Assert.Equal(3, pids.Distinct().Count());
        Assert.All(pids.GroupBy(p => p), group => Assert.Equal(2, group.Count()));
        ProcessProbe.AssertAllGone(pids);
    }

    [Fact]
    public async Task ApplyAsync_TargetFailsFast_OnlyThatTaskFailsAndLaterTasksSucceed()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        ProcessPool pool = await ProcessPool.StartAsync(2, cancellationToken: timeout);
        int[] originalPids = pool.WorkerProcessIds;
        await using (PoolGuard.For(pool))
        {
            Task<int> crash = pool.ApplyAsync(PoolTargets.FailFast, 1, timeout);
            Task<int[]> others = pool.MapAsync(PoolTargets.Square, Enumerable.Range(0, 100), chunkSize: 5, cancellationToken: timeout);

            WorkerCrashedException error = await Assert.ThrowsAsync<WorkerCrashedException>(() => crash.WaitAsync(timeout));
            Assert.NotNull(error.ExitCode);
            Assert.NotEqual(0, error.ExitCode);
            Assert.Equal(Enumerable.Range(0, 100).Select(x => x * x), await others.WaitAsync(timeout));

            int[] after = await pool.MapAsync(PoolTargets.Square, Enumerable.Range(0, 1_000), cancellationToken: timeout);
            Assert.Equal(999 * 999, after[999]);
        }

        ProcessProbe.AssertAllGone(originalPids);
    }

    [Fact]
    public async Task DisposeAsync_BusyAndIdleWorkers_LeavesNoWorkerProcess()
    {
        CancellationToken timeout = TestTimeout.Token(30);
        var options = new ProcessPoolOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(200) };
        ProcessPool pool = await ProcessPool.StartAsync(2, options, timeout);
        int[] pids = pool.WorkerProcessIds;
        Task<int> busy = pool.ApplyAsync(PoolTargets.Block, 1, timeout);
        Task<int> queued = pool.ApplyAsync(PoolTargets.Block, 2, timeout);
        Task<int> waiting = pool.ApplyAsync(PoolTargets.Seven, timeout);

        await pool.DisposeAsync().AsTask().WaitAsync(timeout);

        Assert.Equal(2, pids.Length);
        ProcessProbe.AssertAllGone(pids);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => busy.WaitAsync(timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.ApplyAsync(PoolTargets.Seven, timeout));
    }
}
