using System.Diagnostics;
using System.Globalization;
using Multiproc;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;

/// <summary>
/// Role <c>pool-starved SECONDS</c>: an in-process manager whose process has exactly four
/// thread-pool threads, every one of them blocked in sync calls to that manager. Prints
/// "finished in N ms" with exit code 0, or "stuck: ..." with exit code 1 after SECONDS.
/// </summary>
/// <remarks>
/// The callers contend on one dictionary (gate hand-offs), ping-pong items through two queues
/// (takes granted by another connection's put), let a timed take expire, and hand a lock back and
/// forth; each needs the server to make progress without a pool thread. A caller that is done keeps
/// its pool thread until all are. Connections are made before the pool is filled: accepting is not
/// what this role tests.
/// </remarks>
internal static class PoolStarvedRole
{
    private const int PoolThreads = 4;
    private const int Increments = 300;
    private const int Rounds = 30;

    /// <remarks>Synchronous on purpose: the main thread must not become a pool thread after an await.</remarks>
    public static int Run(string[] args)
    {
        var deadline = TimeSpan.FromSeconds(int.Parse(args[1], CultureInfo.InvariantCulture));
        if (!ThreadPool.SetMaxThreads(PoolThreads, PoolThreads) || !ThreadPool.SetMinThreads(PoolThreads, PoolThreads))
        {
            Console.WriteLine("stuck: could not cap the thread pool");
            return 2;
        }

        Manager owner = Manager.StartAsync().GetAwaiter().GetResult();
        Caller[] callers = SetUpAsync(owner).GetAwaiter().GetResult();

        var progress = new string[PoolThreads];
        using var allBlocked = new CountdownEvent(PoolThreads);
        using var done = new CountdownEvent(PoolThreads);
        using var release = new ManualResetEventSlim();
        Action<Caller, int>[] bodies = [Contend, Contend, PingPongAndTimeout, PongAndLock];
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < PoolThreads; i++)
        {
            int index = i;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                // Every pool thread is a blocked caller from here on: none is left for the server.
                allBlocked.Signal();
                allBlocked.Wait();
                progress[index] = "started";
                try
                {
                    bodies[index](callers[index], index);
                    progress[index] = "finished";
                }
                catch (Exception ex)
                {
                    progress[index] = $"failed at {progress[index]}: {ex.GetType().Name}: {ex.Message}";
                }

                // A caller that finishes early keeps its thread: the pool stays full until all are done.
                done.Signal();
                release.Wait();
            }, null);
        }

        if (!done.Wait(deadline))
        {
            Console.WriteLine($"stuck: {string.Join(", ", progress.Select((p, i) => $"caller {i} {p ?? "not started"}"))}");
            Console.Out.Flush();
            Environment.Exit(1);
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        release.Set();
        int counted = callers[0].Counts["n"];
        int locked = callers[0].Counts["locked"];
        if (counted != 2 * Increments || locked != 2 * Rounds || progress.Any(p => p != "finished"))
        {
            Console.WriteLine($"failed: totals {counted}, {locked}; {string.Join(", ", progress)}");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"finished in {elapsed:F0} ms"));
        foreach (Caller caller in callers)
        {
            caller.Manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;

        void Contend(Caller caller, int index)
        {
            for (int i = 0; i < Increments; i++)
            {
                caller.Counts.Increment("n", 1);
            }
        }

        void PingPongAndTimeout(Caller caller, int index)
        {
            for (int i = 0; i < Rounds; i++)
            {
                // Usually waiting when the other caller's put arrives: granted by another connection.
                caller.Pongs.Put(caller.Pings.Take());
                progress[index] = $"round {i}";
            }

            progress[index] = "timed take";
            if (caller.Empty.TryTake(out _, TimeSpan.FromMilliseconds(200)))
            {
                throw new InvalidOperationException("The empty queue gave an item.");
            }

            Lock(caller, index);
        }

        void PongAndLock(Caller caller, int index)
        {
            for (int i = 0; i < Rounds; i++)
            {
                caller.Pings.Put(i);
                if (caller.Pongs.Take() != i)
                {
                    throw new InvalidOperationException("Items came back out of order.");
                }

                progress[index] = $"round {i}";
            }

            Lock(caller, index);
        }

        void Lock(Caller caller, int index)
        {
            for (int i = 0; i < Rounds; i++)
            {
                // Held across a call, so the other caller's Acquire usually waits and is handed the lock.
                caller.Lock.Acquire();
                caller.Counts.Increment("locked", 1);
                caller.Lock.Release();
                progress[index] = $"lock {i}";
            }
        }
    }

    private static async Task<Caller[]> SetUpAsync(Manager owner)
    {
        await owner.PublishAsync("counts", await owner.CreateDictionaryAsync<string, int>());
        await owner.PublishAsync("pings", await owner.CreateQueueAsync<int>());
        await owner.PublishAsync("pongs", await owner.CreateQueueAsync<int>());
        await owner.PublishAsync("empty", await owner.CreateQueueAsync<int>());
        await owner.PublishAsync("lock", await owner.CreateLockAsync());
        var callers = new Caller[PoolThreads];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = await Caller.ConnectAsync(owner);
        }

        return callers;
    }

    /// <summary>One connection with its proxies, looked up before the pool is filled.</summary>
    private sealed record Caller(Manager Manager, ISharedDictionary<string, int> Counts, ISharedQueue<int> Pings, ISharedQueue<int> Pongs, ISharedQueue<int> Empty, ISharedLock Lock)
    {
        public static async Task<Caller> ConnectAsync(Manager owner)
        {
            Manager manager = await Manager.ConnectAsync(owner.Address, owner.AuthKey);
            return new Caller(
                manager,
                await manager.LookupAsync<ISharedDictionary<string, int>>("counts"),
                await manager.LookupAsync<ISharedQueue<int>>("pings"),
                await manager.LookupAsync<ISharedQueue<int>>("pongs"),
                await manager.LookupAsync<ISharedQueue<int>>("empty"),
                await manager.LookupAsync<ISharedLock>("lock"));
        }
    }
}
