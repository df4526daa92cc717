using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Bench;

/// <summary>
/// Sync calls from thread-pool threads that block while they wait (as ASP.NET handlers and
/// Parallel.For bodies do): four Task.Run loops each connect and make 2,000 sync Increment calls
/// on one published dictionary, three rounds, with the manager in-process and in a child process.
/// </summary>
/// <remarks>
/// Each hosting runs in a fresh process of its own, so the thread pool starts cold for both: an
/// in-process server whose machinery needs pool threads shows as a slow first round.
/// </remarks>
internal static class PoolStarvation
{
    private const int Loops = 4;
    private const int CallsPerLoop = 2_000;
    private const int Rounds = 3;

    /// <summary>Runs both hostings, each in a fresh process, and prints one line per hosting.</summary>
    public static int Compare()
    {
        foreach (string hosting in new[] { nameof(ManagerHosting.InProcess), nameof(ManagerHosting.ChildProcess) })
        {
            using ChildProcess run = ChildProcess.Start("pool-starvation-run", hosting);
            Console.WriteLine(run.ReadLine());
        }

        return 0;
    }

    /// <summary>Runs the rounds against one hosting in this (fresh) process and prints the round times.</summary>
    public static async Task<int> RunAsync(ManagerHosting hosting)
    {
        var options = new ManagerOptions { Hosting = hosting };
        await using Manager owner = await Manager.StartAsync(options);
        ISharedDictionary<string, int> published = await owner.CreateDictionaryAsync<string, int>();
        await owner.PublishAsync("counts", published);
        string address = owner.Address;
        byte[] key = owner.AuthKey.ToArray();

        var rounds = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            Task[] loops = [.. Enumerable.Range(0, Loops).Select(_ => Task.Run(() => CallFromPoolThread(address, key)))];
            Task.WaitAll(loops);
            rounds.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms");
        }

        int total = published["n"];
        Console.WriteLine($"{hosting,-12} {Loops} x {CallsPerLoop:N0} sync Increment from pool threads, rounds: {string.Join(", ", rounds)} (total {total:N0})");
        return total == Loops * CallsPerLoop * Rounds ? 0 : 1;
    }

    private static void CallFromPoolThread(string address, byte[] key)
    {
        // Blocking on the pool thread is the point: this is what sync callers in a web app do.
        Manager manager = Manager.ConnectAsync(address, key).GetAwaiter().GetResult();
        try
        {
            ISharedDictionary<string, int> counts = manager.LookupAsync<ISharedDictionary<string, int>>("counts").GetAwaiter().GetResult();
            for (int i = 0; i < CallsPerLoop; i++)
            {
                counts.Increment("n", 1);
            }
        }
        finally
        {
            manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
