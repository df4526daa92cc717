using System.Diagnostics;
using System.Globalization;
using Multiproc;
using Multiproc.Probe;

// Roles:
//   serve     starts a manager, prints its address and key, serves until stdin closes
//   measure [S]  starts `serve` as a child process and prints one line of figures (throughput over S seconds, default 1):
//             sync_us (one sync user-class call), pipelined_cps (64 async calls in flight),
//             queue_pps (put+take pairs per second, 64 async pairs in flight),
//             worker_ms (a worker given a list and a dictionary proxy appends once: Start → exit, median of 5),
//             map_ns (a pool of 2 squares 1,000,000 ints: ns per item, best of 5)
if (args is ["serve"])
{
    await using Manager served = await Manager.StartAsync(new ManagerOptions().Register<IProbeCounter, ProbeCounter>());
    Console.WriteLine(served.Address);
    Console.WriteLine(Convert.ToHexString(served.AuthKey.Span));
    await Console.In.ReadToEndAsync();
    return 0;
}

if (args is not (["measure"] or ["measure", _]))
{
    Console.Error.WriteLine("usage: Multiproc.Probe serve | measure [seconds]");
    return 2;
}

double window = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0;

using var server = new Process
{
    StartInfo = new ProcessStartInfo("dotnet")
    {
        ArgumentList = { typeof(ProbeCounter).Assembly.Location, "serve" },
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    },
};
server.Start();
try
{
    string address = server.StandardOutput.ReadLine()!;
    byte[] key = Convert.FromHexString(server.StandardOutput.ReadLine()!);
    await using Manager manager = await Manager.ConnectAsync(address, key);
    IProbeCounter counter = await manager.CreateAsync<IProbeCounter>();
    ISharedQueue<int> queue = await manager.CreateQueueAsync<int>();

    double sync = MicrosecondsPerCall(5_000, () => counter.Add(1));
    double pipelined = PerSecond(64, window, () => counter.AddAsync(1));
    double queuePairs = PerSecond(64, window, async () =>
    {
        await queue.PutAsync(1);
        await queue.TakeAsync();
    });
    double worker = await WorkerMillisecondsAsync(manager);
    double map = await MapNanosecondsPerItemAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"sync_us={sync:F2} pipelined_cps={pipelined:F0} queue_pps={queuePairs:F0} worker_ms={worker:F1} map_ns={map:F1}"));
    return 0;
}
finally
{
    server.StandardInput.Close();
    if (!server.WaitForExit(5_000))
    {
        server.Kill(entireProcessTree: true);
    }
}

static async Task<double> WorkerMillisecondsAsync(Manager manager)
{
    ISharedList<long> list = await manager.CreateListAsync<long>();
    ISharedDictionary<string, int> dictionary = await manager.CreateDictionaryAsync<string, int>();
    var samples = new List<double>();
    for (int i = -1; i < 5; i++)
    {
        long start = Stopwatch.GetTimestamp();
        await using (WorkerProcess worker = WorkerProcess.Start(ProbeTargets.Append, list, dictionary))
        {
            await worker.WaitForExitAsync();
        }

        if (i >= 0)
        {
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    return samples.Order().ElementAt(samples.Count / 2);
}

static async Task<double> MapNanosecondsPerItemAsync()
{
    // A million items: a run of ~50 ms, long enough that scheduling noise on a shared machine does not dominate.
    const int Items = 1_000_000;
    int[] items = [.. Enumerable.Range(0, Items)];
    await using ProcessPool pool = await ProcessPool.StartAsync(2);
    double best = double.MaxValue;
    for (int i = -1; i < 5; i++)
    {
        long start = Stopwatch.GetTimestamp();
        long[] squares = await pool.MapAsync(ProbeTargets.Square, items);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        if (squares[^1] != (Items - 1L) * (Items - 1L))
        {
            throw new InvalidOperationException("Pool map returned a wrong result.");
        }

        if (i >= 0)
        {
            best = Math.Min(best, elapsed);
        }
    }

    return best / Items;
}

static double MicrosecondsPerCall(int iterations, Action call)
{
    for (int i = 0; i < iterations / 5; i++)
    {
        call();
    }

    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < iterations; i++)
    {
        call();
    }

    return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
}

static double PerSecond(int concurrency, double seconds, Func<Task> operation)
{
    // A short warm-up, then the timed window.
    Run(concurrency, 0.2, operation);
    return Run(concurrency, seconds, operation);

    static double Run(int concurrency, double seconds, Func<Task> operation)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        Task[] workers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            long local = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                await operation();
                local++;
            }

            Interlocked.Add(ref count, local);
        }))];
        Task.WaitAll(workers);
        return count / clock.Elapsed.TotalSeconds;
    }
}
