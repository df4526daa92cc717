using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Soak;

/// <summary>
/// The chaos soak: a manager in its own process, N worker processes doing random operations on shared queues, lists,
/// dictionaries, a lock and a semaphore, SIGKILLed at random moments and replaced; then the invariants of
/// <see cref="ChaosVerdict"/> and <see cref="ChaosItems"/>. Exits 0 when every invariant held, 1 otherwise.
/// </summary>
internal static class ChaosMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        ChaosOptions options;
        try
        {
            options = ChaosOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("usage: Multiproc.Soak chaos [--minutes N | --seconds N] [--workers N] [--seed S] [--kill-ms MIN MAX] [--tolerate-f2]");
            return 2;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos: {options.Duration.TotalSeconds:0} s, {options.Workers} workers, seed {options.Seed}, a kill every {options.KillMinMs}..{options.KillMaxMs} ms"));
        try
        {
            return await RunAsync(options);
        }
        catch (ManagerUnavailableException ex)
        {
            Console.WriteLine($"VIOLATION: the manager became unavailable: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> RunAsync(ChaosOptions options)
    {
        (ChaosManagerProcess managerProcess, string address, string key) = await ChaosManagerProcess.StartAsync();
        await using ChaosManagerProcess managed = managerProcess;
        await using Manager driver = await Manager.ConnectAsync(address, Convert.FromHexString(key));
        ManagerStats baseline = await driver.GetStatsAsync();
        ChaosSharedObjects objects = await ChaosSharedObjects.CreateAsync(driver, CancellationToken.None);
        ChaosHeapSample heapStart = await managed.SampleAsync();

        await using StreamWriter? trace = options.Trace is null ? null : new StreamWriter(options.Trace);
        var ledger = new ChaosLedger(trace);
        var fleet = new ChaosFleet(options, ledger, address, key);
        var clock = Stopwatch.StartNew();
        await fleet.RunAsync(async () => await managed.SampleAsync());
        TimeSpan ran = clock.Elapsed;

        bool connectionsClosed = await UntilAsync(async () => (await driver.GetStatsAsync()).ConnectionCount == baseline.ConnectionCount);
        ChaosEndState end = await objects.InspectAsync();
        IReadOnlyList<ChaosIncarnation> incarnations = ledger.Incarnations;
        var verdict = ChaosVerdict.Judge(ledger, end, incarnations, options.TolerateF2);
        verdict.Add("workers: none exited unexpectedly", fleet.Crashes, $"{incarnations.Count} workers, each killed or stopped on request");
        ManagerStats afterWorkers = await driver.GetStatsAsync();
        verdict.Add("connections: all closed after the workers", connectionsClosed ? [] : [$"{afterWorkers.ConnectionCount} open, baseline {baseline.ConnectionCount}"],
            $"back to {baseline.ConnectionCount}");

        await objects.ReleaseAsync(driver);
        bool objectsBack = await UntilAsync(async () => (await driver.GetStatsAsync()).ObjectCount == baseline.ObjectCount);
        ManagerStats final = await driver.GetStatsAsync();
        verdict.Add("objects: back to the baseline count", objectsBack ? [] : [$"{final.ObjectCount} alive, baseline {baseline.ObjectCount}"],
            $"{final.ObjectCount} alive, as before the run");

        ChaosHeapSample heapEnd = await managed.SampleAsync();
        long growth = heapEnd.Heap - heapStart.Heap;
        long most = managed.Samples.Max(s => s.Heap);
        verdict.Add("manager heap: flat", growth > ChaosVerdict.HeapGrowthBound ? [$"grew {Mb(growth)} MB (bound {Mb(ChaosVerdict.HeapGrowthBound)} MB)"] : [],
            $"start {Mb(heapStart.Heap)} MB, end {Mb(heapEnd.Heap)} MB, most {Mb(most)} MB");

        ChaosReport.Print(options, ran, fleet, ledger, verdict, heapStart, heapEnd, managed.Samples, final);
        return verdict.Passed ? 0 : 1;
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
