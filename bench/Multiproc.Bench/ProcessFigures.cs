using System.Diagnostics;

namespace Multiproc.Bench;

/// <summary>Worker start-to-exit, pool apply round trip and pool map per item (see bench/process-figures.md).</summary>
internal static class ProcessFigures
{
    public const int Workers = 2;
    public const int MapItems = 100_000;

    public static async Task MeasureAsync(bool quick, Dictionary<string, double> results)
    {
        int starts = quick ? 5 : 10;
        var startSamples = new List<double>();
        for (int i = -2; i < starts; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await using (WorkerProcess worker = WorkerProcess.Start(ProcessTargets.Empty))
            {
                await worker.WaitForExitAsync();
            }

            if (i >= 0)
            {
                startSamples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        results["spawn_start_join_ms"] = Measure.Median(startSamples);
        await ProxyWorkerFiguresAsync(quick, results);

        await using ProcessPool pool = await ProcessPool.StartAsync(Workers);
        int calls = quick ? 500 : 2000;
        var applySamples = new List<double>(calls);
        for (int i = -calls; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await pool.ApplyAsync(ProcessTargets.Identity, 1);
            if (i >= 0)
            {
                applySamples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        results["pool_apply_us"] = Measure.Median(applySamples);

        int[] items = [.. Enumerable.Range(0, MapItems)];
        int warmUps = quick ? 1 : 2;
        int runs = quick ? 2 : 3;
        double best = double.MaxValue;
        for (int i = -warmUps; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            long[] squares = await pool.MapAsync(ProcessTargets.Square, items);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (squares[^1] != (MapItems - 1L) * (MapItems - 1L))
            {
                throw new InvalidOperationException("Pool map returned a wrong result.");
            }

            if (i >= 0)
            {
                best = Math.Min(best, elapsed);
            }
        }

        results["pool_map_us_per_item"] = best / MapItems;
    }

    /// <summary>
    /// A worker given a list and a dictionary proxy appends a timestamp: Start → that first call on
    /// the manager (median after a warm-up), and a burst of 8 started back to back → the last first call.
    /// </summary>
    private static async Task ProxyWorkerFiguresAsync(bool quick, Dictionary<string, double> results)
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions());
        ISharedList<long> list = await manager.CreateListAsync<long>();
        ISharedDictionary<string, int> dictionary = await manager.CreateDictionaryAsync<string, int>();
        var single = new List<double>();
        int runs = quick ? 5 : 9;
        double cpuStart = 0;
        for (int i = -1; i < runs; i++)
        {
            list.Clear();
            if (i == 0)
            {
                cpuStart = ChildProcessCpu.Milliseconds();
            }

            long start = Stopwatch.GetTimestamp();
            await using (WorkerProcess worker = WorkerProcess.Start(ProcessTargets.UseProxies, list, dictionary))
            {
                await worker.WaitForExitAsync();
            }

            if (i >= 0)
            {
                single.Add(Stopwatch.GetElapsedTime(start, list[0]).TotalMilliseconds);
            }
        }

        results["proxy_worker_first_call_ms"] = Measure.Median(single);
        results["proxy_worker_cpu_ms"] = (ChildProcessCpu.Milliseconds() - cpuStart) / runs;
        var bursts = new List<double>();
        for (int i = -1; i < (quick ? 1 : 3); i++)
        {
            list.Clear();
            long start = Stopwatch.GetTimestamp();
            var workers = new List<WorkerProcess>();
            for (int w = 0; w < 8; w++)
            {
                workers.Add(WorkerProcess.Start(ProcessTargets.UseProxies, list, dictionary));
            }

            foreach (WorkerProcess worker in workers)
            {
                await worker.WaitForExitAsync();
                await worker.DisposeAsync();
            }

            if (i >= 0)
            {
                bursts.Add(Stopwatch.GetElapsedTime(start, list.ToArray().Max()).TotalMilliseconds);
            }
        }

        results["proxy_worker_burst8_ms"] = Measure.Median(bursts);

        var pools = new List<double>();
        ProcessPoolOptions options = new ProcessPoolOptions().WithInitializer(ProcessTargets.Keep, list);
        int[] eight = [.. Enumerable.Range(0, 8)];
        for (int i = -1; i < (quick ? 1 : 3); i++)
        {
            long start = Stopwatch.GetTimestamp();
            await using (ProcessPool pool = await ProcessPool.StartAsync(4, options))
            {
                await pool.MapAsync(ProcessTargets.Square, eight);
                if (i >= 0)
                {
                    pools.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        results["pool4_proxy_initializer_ms"] = Measure.Median(pools);

        var managers = new List<double>();
        for (int i = -1; i < (quick ? 1 : 3); i++)
        {
            long start = Stopwatch.GetTimestamp();
            await using (Manager child = await Manager.StartAsync(new ManagerOptions { Hosting = ManagerHosting.ChildProcess }))
            {
                ISharedList<int> first = await child.CreateListAsync<int>();
                first.Add(1);
                if (i >= 0)
                {
                    managers.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        results["manager_process_first_call_ms"] = Measure.Median(managers);
    }

}
