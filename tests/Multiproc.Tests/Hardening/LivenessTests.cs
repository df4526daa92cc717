using System.Diagnostics;
using System.Runtime.CompilerServices;
using Multiproc.Proxies;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F7: a manager that is stopped (SIGSTOP) rather than closed must not hang its clients' calls,
/// and heartbeats must never fail a long but healthy call.
/// </summary>
[Trait("Kind", "Process")]
public sealed class LivenessTests(ITestOutputHelper output)
{
    // Short, but not so short that a healthy manager on a loaded machine misses it.
    private static readonly TimeSpan s_liveness = TimeSpan.FromSeconds(2);

    // F7: after a SIGSTOP of the manager, 64 of 64 in-flight calls still hung at 15 s.
    [Fact(Timeout = 120_000)]
    public async Task StoppedManager_EveryPendingCallFails_WithinTheLivenessTimeout()
    {
        ManagerOptions options = TestOptions.Create();
        options.Hosting = ManagerHosting.ChildProcess;
        Manager owner = await Manager.StartAsync(options);
        int serverPid = owner.ServerProcessId;
        bool stopped = false;
        var threads = new List<Thread>();
        using var never = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            // Set up and warm up through the owner (default liveness timeout): a fresh manager compiles
            // its first calls slowly, and on a loaded machine that must not fail the setup.
            using ISharedLock held = await owner.CreateLockAsync();
            held.Acquire();
            await owner.PublishAsync("held", held);
            for (int c = 0; c < 2; c++)
            {
                ISharedQueue<int> queue = await owner.CreateQueueAsync<int>();
                await queue.PutAsync(1);
                Assert.Equal(1, queue.Take());
                await owner.PublishAsync($"queue{c}", queue);
                foreach (string name in new[] { "slow", "busy" })
                {
                    IEmployee employee = await owner.CreateAsync<IEmployee>(name);
                    await employee.DelayAsync(1, CancellationToken.None);
                    employee.Raise(1m);
                    await owner.PublishAsync($"{name}{c}", employee);
                }
            }

            var connect = new ConnectOptions { LivenessTimeout = s_liveness };
            Manager[] clients =
            [
                await Manager.ConnectAsync(owner.Address, owner.AuthKey, connect, TestTimeout.Token()),
                await Manager.ConnectAsync(owner.Address, owner.AuthKey, connect, TestTimeout.Token()),
            ];

            var proxies = new List<(ISharedQueue<int> Queue, ISharedLock Contended, IEmployee Slow, IEmployee Busy)>();
            for (int c = 0; c < 2; c++)
            {
                proxies.Add((
                    await clients[c].LookupAsync<ISharedQueue<int>>($"queue{c}"),
                    await clients[c].LookupAsync<ISharedLock>("held"),
                    await clients[c].LookupAsync<IEmployee>($"slow{c}"),
                    await clients[c].LookupAsync<IEmployee>($"busy{c}")));
            }

            long callsBefore = (await owner.GetStatsAsync(TestTimeout.Token())).CallCount;
            var operations = new List<Task<Exception?>>();
            var loops = new List<StrongBox<int>>();
            foreach ((ISharedQueue<int> queue, ISharedLock contended, IEmployee slow, _) in proxies)
            {
                for (int i = 0; i < 6; i++)
                {
                    operations.Add(slow.DelayAsync(60_000, CancellationToken.None).ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default));
                }

                for (int i = 0; i < 4; i++)
                {
                    operations.Add(OnThread(threads, () => queue.Take()));
                    operations.Add(CatchAsync(async () => await queue.TakeAsync()));
                    operations.Add(OnThread(threads, () => queue.TryTake(out _, TimeSpan.FromMinutes(5))));
                    operations.Add(CatchAsync(async () => await queue.TakeAsync(never.Token)));
                }

                for (int i = 0; i < 2; i++)
                {
                    operations.Add(OnThread(threads, () => contended.Acquire()));
                    operations.Add(CatchAsync(async () => await contended.AcquireAsync()));
                }
            }

            // 52 blocked calls in flight: wait until the manager has received them all.
            int polls = 0;
            await TestTimeout.UntilAsync(
                async () => (await owner.GetStatsAsync()).CallCount - callsBefore - ++polls >= operations.Count,
                because: "the blocked calls did not reach the manager");

            // Then 12 threads calling in a loop, so some calls are always on the wire.
            foreach ((_, _, _, IEmployee busy) in proxies)
            {
                for (int i = 0; i < 6; i++)
                {
                    var iterations = new StrongBox<int>();
                    loops.Add(iterations);
                    operations.Add(OnThread(threads, () =>
                    {
                        while (true)
                        {
                            busy.Raise(1m);
                            Interlocked.Increment(ref iterations.Value);
                        }
                    }));
                }
            }

            await TestTimeout.UntilAsync(() => Task.FromResult(loops.All(l => Volatile.Read(ref l.Value) > 0)), because: "the loops did not start");
            Assert.Equal(64, operations.Count);

            Signals.Stop(serverPid);
            stopped = true;
            long stoppedAt = Stopwatch.GetTimestamp();
            var failedAfter = new List<TimeSpan>();
            foreach (Task<Exception?> operation in operations)
            {
                Exception? error = await operation.WaitAsync(s_liveness + TimeSpan.FromSeconds(30));
                failedAfter.Add(Stopwatch.GetElapsedTime(stoppedAt));
                Assert.IsType<ManagerUnavailableException>(error);
            }

            TimeSpan slowest = failedAfter.Max();
            output.WriteLine($"64 calls failed; the slowest {slowest.TotalMilliseconds:0} ms after SIGSTOP (liveness timeout {s_liveness.TotalMilliseconds:0} ms)");
            // Generous: the machine is shared; without heartbeats these calls never end.
            Assert.True(slowest < s_liveness + TimeSpan.FromSeconds(4), $"the slowest call failed {slowest.TotalSeconds:0.0} s after the stop");

            // Later calls on the broken connections fail at once.
            foreach (Manager client in clients)
            {
                await Assert.ThrowsAsync<ManagerUnavailableException>(() => client.GetStatsAsync().WaitAsync(TimeSpan.FromSeconds(5)));
                await client.DisposeAsync();
            }
        }
        finally
        {
            if (stopped)
            {
                Signals.Continue(serverPid);
            }

            await owner.DisposeAsync();
        }

        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(10)), "a calling thread still hangs"));
    }

    // F7: heartbeats answered by the manager's reader keep a long call alive; pings stop when idle.
    [Fact(Timeout = 60_000)]
    public async Task LongHealthyCall_CompletesNormally_AndAnIdleConnectionSendsNothing()
    {
        ManagerOptions options = TestOptions.Create();
        options.Hosting = ManagerHosting.ChildProcess;
        await using Manager owner = await Manager.StartAsync(options);
        // Warmed up through the owner (default liveness timeout): first calls compile slowly.
        IEmployee created = await owner.CreateAsync<IEmployee>("Slow");
        await created.DelayAsync(1, CancellationToken.None);
        Assert.False((await owner.CreateAsync("concurrent-counter")).As<ICounter>().Rendezvous(2, 0));
        await owner.PublishAsync("slow", created);
        await owner.PublishAsync("spinning", (await owner.CreateAsync("concurrent-counter")).As<ICounter>());
        await using Manager client = await Manager.ConnectAsync(owner.Address, owner.AuthKey, new ConnectOptions { LivenessTimeout = s_liveness }, TestTimeout.Token());
        IEmployee slow = await client.LookupAsync<IEmployee>("slow");
        ICounter spinning = await client.LookupAsync<ICounter>("spinning");
        int longCall = (int)(3 * s_liveness.TotalMilliseconds);

        var clock = Stopwatch.StartNew();
        Task delayed = slow.DelayAsync(longCall, CancellationToken.None);
        // A synchronous caller reads the socket itself: it must send the heartbeats as well.
        bool metAlone = await Task.Factory.StartNew(() => spinning.Rendezvous(2, longCall), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await delayed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(metAlone);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(longCall));

        int pings = ((ClientConnection)client.Channel).PingsSent;
        output.WriteLine($"{pings} pings over {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(pings > 0, "no heartbeat was sent during the long calls");

        // Idle: no call pending, so nobody reads and nothing is sent.
        await Task.Delay(s_liveness);
        Assert.Equal(pings, ((ClientConnection)client.Channel).PingsSent);
        Assert.Equal("Slow", slow.Name);
    }

    private static Task<Exception?> OnThread(List<Thread> threads, Action call)
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                call();
                outcome.SetResult(null);
            }
#pragma warning disable CA1031 // The outcome is what the test asserts.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                outcome.SetResult(ex);
            }
        })
        { IsBackground = true };
        threads.Add(thread);
        thread.Start();
        return outcome.Task;
    }

    private static async Task<Exception?> CatchAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
#pragma warning disable CA1031 // The outcome is what the test asserts.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
    }
}
