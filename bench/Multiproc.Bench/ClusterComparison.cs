using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Multiproc.Orleans;
using Orleans.Runtime.Placement;

namespace Multiproc.Bench;

/// <summary>
/// Issue 12's side-by-side rows: a sync call and 64 concurrent async calls on ONE object, for a single
/// manager (child process), a 2-silo cluster without persistence, the same cluster's bare echo grain
/// (the engine's floor), and 2-silo clusters persisting to Redis with coalesced writes and with one
/// write per call. All run at once and are measured in interleaved rounds, so the machine's drift
/// hits every row alike; medians are reported.
/// </summary>
internal static class ClusterComparison
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 3 : 7;
        double seconds = quick ? 0.4 : 1.0;
        Console.WriteLine("Command: dotnet run -c Release --project bench/Multiproc.Bench -- cluster" + (quick ? " --quick" : ""));
        Console.WriteLine($"Started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {Measure.LoadAverage()}; {Environment.ProcessorCount} cores.");
        var clock = Stopwatch.StartNew();
        await using var owned = new OwnedResources();
        Console.CancelKeyPress += (_, _) => owned.KillProcesses();

        ChildProcess server = owned.Add(ChildProcess.Start("serve-manager"));
        Task<LocalCluster> memoryStart = owned.Add(LocalCluster.StartAsync("bench-memory", ClusterStorage.None, s_startTimeout));
        Task<LocalCluster>? coalescedStart = null;
        Task<LocalCluster>? perCallStart = null;
        string? persistedSkipped = null;
        try
        {
            RedisServer redis = owned.Add(await RedisServer.StartAsync(TimeSpan.FromSeconds(20)));
            coalescedStart = owned.Add(LocalCluster.StartAsync("bench-coalesced", ClusterStorage.Spec(ClusterStorage.Coalesced, redis.Port), s_startTimeout));
            perCallStart = owned.Add(LocalCluster.StartAsync("bench-per-call", ClusterStorage.Spec(ClusterStorage.PerCall, redis.Port), s_startTimeout));
        }
        catch (InvalidOperationException ex)
        {
            persistedSkipped = ex.Message;
        }

        var rows = new List<Row>();
        Manager single = owned.Add(await Manager.ConnectAsync(server.ReadLine(), Convert.FromHexString(server.ReadLine())));
        ICounter singleCounter = await single.CreateAsync<ICounter>();
        rows.Add(new Row("single", "single manager (child process, Unix socket)", "–", () => singleCounter.Add(1), () => singleCounter.AddAsync(1)));

        // Every silo up before any client connects: a client that connects while other silos still start (and JIT) on a
        // loaded 2-core machine can miss its connect timeout.
        LocalCluster memory = await memoryStart;
        LocalCluster? coalesced = coalescedStart is null ? null : await coalescedStart;
        LocalCluster? perCall = perCallStart is null ? null : await perCallStart;
        (Row cluster, int objectProcess, IClusterClient memoryClient) = await CounterRowAsync(owned, memory, "cluster", "cluster, no persistence");
        rows.Add(cluster);
        (Row echo, string? echoInvalid) = await EchoRowAsync(memoryClient, memory, objectProcess);
        rows.Add(echo);
        if (coalesced is not null && perCall is not null)
        {
            rows.Add((await CounterRowAsync(owned, coalesced, "coalesced", "cluster, Redis, coalesced writes (default)")).Row);
            rows.Add((await CounterRowAsync(owned, perCall, "per-call", "cluster, Redis, one write per call (CoalesceWrites = false)")).Row);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1} s] started; warming up"));
        foreach (Row row in rows)
        {
            Measure.SyncMicroseconds(row.Sync, seconds / 2);
            Measure.CallsPerSecond(64, seconds / 2, row.Concurrent, runs: 1);
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (Row row in RoundOrder(rows, round))
            {
                row.SyncMicroseconds.Add(Measure.SyncMicroseconds(row.Sync, seconds));
                row.CallsPerSecond.Add(Measure.CallsPerSecond(64, seconds, row.Concurrent, runs: 1));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1} s] round {round + 1} of {rounds} done"));
        }

        bool passed = ClusterReport.Print(rows, rounds, seconds, persistedSkipped, echoInvalid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Measured in {clock.Elapsed.TotalSeconds:F0} s (after the build); load average at the end: {Measure.LoadAverage()}."));
        return passed ? 0 : 2;
    }

    /// <summary>
    /// The rows a target compares (cluster and echo; coalesced and one write per call) always run back to back, so a
    /// ratio per round compares figures taken seconds apart; the pairs rotate each round and each pair swaps its order
    /// every other round, so neither side always runs first.
    /// </summary>
    private static IEnumerable<Row> RoundOrder(List<Row> rows, int round)
    {
        List<Row[]> groups = [.. rows.GroupBy(r => r.Key switch { "echo" => "cluster", "per-call" => "coalesced", _ => r.Key }).Select(g => g.ToArray())];
        int shift = round % groups.Count;
        return groups.Skip(shift).Concat(groups.Take(shift)).SelectMany(g => round % 2 == 0 ? g : g.Reverse());
    }

    /// <summary>A counter on the cluster, through a manager over a client of the bench's (see <see cref="LocalCluster.StartClientAsync"/>).</summary>
    private static async Task<(Row Row, int ProcessId, IClusterClient Client)> CounterRowAsync(OwnedResources owned, LocalCluster cluster, string key, string label)
    {
        IHost host = owned.Add(await cluster.StartClientAsync());
        IClusterClient client = host.Services.GetRequiredService<IClusterClient>();
        // The manager over that client carries the address a worker would reconnect from: both gateways.
        Manager manager = owned.Add(OrleansManager.Connect(client, cluster.Address));
        ICounter counter = await manager.CreateAsync<ICounter>();
        int processId = counter.ProcessId();
        string where = string.Create(CultureInfo.InvariantCulture, $"silo {cluster.SiloOf(processId)}");
        return (new Row(key, label, where, () => counter.Add(1), () => counter.AddAsync(1)), processId, client);
    }

    /// <summary>
    /// The echo grain on the same silo as the cluster row's object, called through the same client (so the same gateway):
    /// the same route. Returns why the comparison is not valid when the grain could not be put there.
    /// </summary>
    /// <remarks>
    /// Orleans' default placement (resource-optimized) lets the gateway silo that receives a grain's first call pick the
    /// silo by CPU and memory statistics that change only periodically, preferring itself within a margin: a burst of new
    /// grains all lands on one silo, which need not be the object's (placed seconds earlier). So the grain is placed by
    /// Orleans' placement hint (<see cref="IPlacementDirector.PlacementHintKey"/>, honoured by the default placement for
    /// the activating call), and where it landed is checked.
    /// </remarks>
    private static async Task<(Row Row, string? Invalid)> EchoRowAsync(IClusterClient client, LocalCluster cluster, int objectProcess)
    {
        int objectSilo = cluster.SiloOf(objectProcess);
        Dictionary<SiloAddress, SiloStatus> hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        SiloAddress? target = hosts.Keys.FirstOrDefault(s => s.Endpoint.Port == cluster.SiloPort(objectSilo));
        IEchoGrain echo = client.GetGrain<IEchoGrain>(0);
        int echoProcess;
        if (target is not null)
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        }

        try
        {
            echoProcess = await echo.ProcessId();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        int where = cluster.SiloOf(echoProcess);
        string? invalid = where == objectSilo ? null : string.Create(CultureInfo.InvariantCulture,
            $"the echo grain is on silo {where}, the object on silo {objectSilo} ({(target is null ? "no active silo has the object's port" : $"the placement hint {target} was not honoured")}): the two rows take different routes");
        if (invalid is not null)
        {
            Console.WriteLine($"WARNING: {invalid}; the echo targets are NOT VALID in this run.");
            Console.Error.WriteLine($"WARNING: {invalid}.");
        }

        var row = new Row("echo", "bare Orleans echo grain, same silo (the floor)", string.Create(CultureInfo.InvariantCulture, $"silo {where}"),
            () => echo.Echo(1).GetAwaiter().GetResult(), () => echo.Echo(1));
        return (row, invalid);
    }
}
