using System.Diagnostics;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Xunit.Abstractions;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// Issue 12's process-kill test for the waiting built-ins: two silo processes with Redis membership and storage; queues,
/// locks, events and owned semaphores placed on one silo, some held by this (live) client and some by a worker process
/// that is killed; then a SIGKILL of that silo. Every object answers again within 10 s with what docs/cluster.md
/// ("Waiting built-ins") promises: acknowledged puts and takes intact, unacknowledged items back at the front, the live
/// client still holding its locks (same fencing token) and permits past a lease, events as set, and the dead client's
/// holdings given back a lease later.
/// </summary>
/// <remarks>Runs alone (<see cref="RunsAlone"/>), with <see cref="FailoverSettings"/>' recommended settings.</remarks>
[Collection(RunsAlone.Name)]
[Trait("Kind", "Process")]
public sealed class WaitingKillTests(ITestOutputHelper output)
{
    // Per kind, this many objects on the silo that is killed, and one more on the other silo.
    private const int OnDoomed = 6;
    private const int ProducerCount = 2;
    private static readonly int[] s_items = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly TimeSpan s_sessionLease = new WaitingObjectOptions().SessionLease;

    [Fact(Timeout = 180_000)]
    public async Task SiloKilled_EveryWaitingBuiltInAnswersWithin10s_WithItsAcknowledgedState_ALiveClientKeepsItsHoldings_ADeadOnesComeBack()
    {
        await using FailoverCluster cluster = await FailoverScenario.StartClusterAsync();
        // Over the test's client, with the cluster's address: a worker process reconnects from it.
        await using Manager manager = OrleansManager.Connect(cluster.Client, cluster.Address);
        SiloProcess doomed = cluster.Silos[0];
        SiloProcess surviving = cluster.Silos[1];
        Task<T[]> CreateAsync<T>(Func<int, Task<T>> create)
            => Task.WhenAll(Enumerable.Range(0, OnDoomed + 1).Select(i => cluster.PlacedOnAsync(i < OnDoomed ? doomed : surviving, () => create(i))));

        // The dead client: a worker takes 1 (acknowledged), takes 2 and 3 without acknowledging them, acquires a lock
        // and an owned permit, then is killed. It starts first: its process takes seconds to connect.
        ISharedQueue<int> workerQueue = await cluster.PlacedOnAsync(doomed, () => manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()));
        ISharedLock workerLock = await cluster.PlacedOnAsync(doomed, () => manager.CreateLockAsync(cancellationToken: TestTimeout.Token()));
        ISharedSemaphore workerPermits = await cluster.PlacedOnAsync(doomed, () => manager.CreateSemaphoreAsync(2, 2, SemaphoreKind.Owned, TestTimeout.Token()));
        ISharedEvent workerReady = await cluster.PlacedOnAsync(surviving, () => manager.CreateEventAsync(cancellationToken: TestTimeout.Token()));
        workerQueue.PutMany(s_items[..6]);
        using WorkerProcess worker = WorkerProcess.Start(HoldAndWaitToBeKilled, workerQueue, workerLock, workerPermits, workerReady);

        // The live client: each queue has 1 and 2 taken and acknowledged, 3 taken and never acknowledged (an abandoned
        // take), 4..8 waiting; plain, reentrant (held twice) and Python-style locks held; events set, or set and
        // cleared; two of three owned permits taken.
        ISharedQueue<int>[] queues = await CreateAsync(_ => manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()));
        ISharedLock[] locks = await CreateAsync(i => (i % 3) switch
        {
            0 => manager.CreateLockAsync(cancellationToken: TestTimeout.Token()),
            1 => manager.CreateLockAsync(reentrant: true, TestTimeout.Token()),
            _ => manager.CreatePythonLockAsync(TestTimeout.Token()),
        });
        ISharedEvent[] events = await CreateAsync(_ => manager.CreateEventAsync(cancellationToken: TestTimeout.Token()));
        ISharedSemaphore[] semaphores = await CreateAsync(_ => manager.CreateSemaphoreAsync(3, 3, SemaphoreKind.Owned, TestTimeout.Token()));
        ISharedQueue<int>[] produced = await Task.WhenAll(Enumerable.Range(0, ProducerCount)
            .Select(_ => cluster.PlacedOnAsync(doomed, () => manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()))));
        foreach (ISharedQueue<int> queue in queues)
        {
            queue.PutMany(s_items);
            Assert.Equal(1, queue.Take());
            Assert.Equal(2, queue.Take());
            await AbandonTakeAsync(queue, 1);
        }

        long[] tokens = new long[locks.Length];
        for (int i = 0; i < locks.Length; i++)
        {
            tokens[i] = locks[i].Acquire();
            if (i % 3 == 1)
            {
                locks[i].Acquire();
            }
        }

        for (int i = 0; i < events.Length; i++)
        {
            events[i].Set();
            if (i % 2 == 1)
            {
                events[i].Clear();
            }
        }

        foreach (ISharedSemaphore semaphore in semaphores)
        {
            semaphore.Acquire();
            semaphore.Acquire();
        }

        // Placed by hint: every object but the last of each kind (and the worker's event) on the silo that is killed.
        object[][] byKind = [queues, locks, events, semaphores];
        long[] onDoomed = [.. new object[] { workerQueue, workerLock, workerPermits }.Concat(produced).Concat(byKind.SelectMany(k => k[..OnDoomed])).Select(Id)];
        long[] onSurviving = [Id(workerReady), .. byKind.Select(k => Id(k[OnDoomed]))];
        IReadOnlyDictionary<long, string> placement = await cluster.PlacementAsync([.. onDoomed, .. onSurviving]);
        long[] misplaced = [.. onDoomed.Where(id => placement.GetValueOrDefault(id) != doomed.SiloAddress), .. onSurviving.Where(id => placement.GetValueOrDefault(id) != surviving.SiloAddress)];
        Assert.True(misplaced.Length == 0, $"{misplaced.Length} objects are not on the silo their placement hint named: {string.Join(", ", misplaced.Select(id => $"#{id} on {placement.GetValueOrDefault(id)}"))}");

        Task ready = workerReady.WaitAsync(TestTimeout.Token(90));
        await Task.WhenAny(ready, worker.Completion).WaitAsync(TestTimeout.Token(90));
        Assert.True(ready.IsCompletedSuccessfully, $"The worker ended before it held its share: {worker.Completion.Exception?.InnerException}");
        Assert.False(workerLock.TryAcquire(TimeSpan.Zero));

        using var stopProducers = new CancellationTokenSource();
        Producer[] producers = [.. produced.Select(q => new Producer(q, stopProducers.Token))];
        Stopwatch sinceKill;
        ProbeOutcome[][] outcomes;
        try
        {
            await Task.WhenAll(producers.Select(p => p.FirstAcknowledged.WaitAsync(TestTimeout.Token(30))));
            worker.Kill();
            await worker.WaitForExitAsync(TestTimeout.Token());
            sinceKill = await FailoverScenario.KillAsync(doomed);
            outcomes = await Task.WhenAll(
                FailoverScenario.ProbeAsync<int>([workerQueue, .. queues, .. produced], QueueMembers.Count, sinceKill),
                FailoverScenario.ProbeAsync<bool>([workerLock, .. locks], LockMembers.IsLocked, sinceKill),
                FailoverScenario.ProbeAsync<bool>([workerReady, .. events], EventMembers.IsSet, sinceKill),
                FailoverScenario.ProbeAsync<int>([workerPermits, .. semaphores], SemaphoreMembers.CurrentCount, sinceKill));
        }
        finally
        {
            // Producers stop on every path, so none outlives the test.
            await stopProducers.CancelAsync();
            await Task.WhenAll(producers.Select(p => p.Completion.WaitAsync(TestTimeout.Token(30))));
        }

        string[] kinds = ["queue", "lock", "event", "semaphore"];
        for (int k = 0; k < outcomes.Length; k++)
        {
            FailoverScenario.AssertEveryAnswered(outcomes[k], i => $"{kinds[k]} {i}");
        }

        TimeSpan lastAnswer = outcomes.SelectMany(o => o).Max(o => o.AnsweredAfter!.Value);
        output.WriteLine($"Every object answered within {lastAnswer.TotalSeconds:F2} s of the kill.");

        // Restored with a fresh lease: the dead client still holds its lock and permit right after the restore.
        Assert.True(workerLock.IsLocked, "The dead worker's lock was free right after the restore: its session lease restarts on the new activation.");
        Assert.Equal(1, workerPermits.CurrentCount);

        // Restored queues: exactly the items not taken with an acknowledgement, in put order, the unacknowledged ones
        // back at the front at once; an item acknowledged by a process that died since never comes back.
        Assert.Equal(s_items[1..6], workerQueue.TakeMany(100));
        for (int i = 0; i < OnDoomed; i++)
        {
            int[] left = queues[i].TakeMany(100);
            Assert.True(s_items.AsSpan(2).SequenceEqual(left), $"queue {i} (restored) holds [{string.Join(", ", left)}], not 3..8.");
        }

        // A put acknowledged while the silo died is kept, once; a failed one may or may not have landed.
        for (int p = 0; p < ProducerCount; p++)
        {
            int[] kept = produced[p].TakeMany(100_000);
            Assert.Empty(producers[p].Acknowledged.Except(kept));
            Assert.Empty(kept.Except(producers[p].Acknowledged).Except(producers[p].Failed));
            Assert.Equal(kept.Order(), kept);
            Assert.Equal(kept.Length, kept.Distinct().Count());
        }

        for (int i = 0; i < events.Length; i++)
        {
            Assert.Equal(i % 2 == 0, events[i].IsSet);
        }

        AssertLiveHoldings(locks, tokens, semaphores);

        // Every call renews its session's lease: from here on only the heartbeat can keep the live client's holdings.
        var sinceLastCall = Stopwatch.StartNew();

        // The dead client's holdings come back a lease after the restore (the test's margin: as long again).
        var sinceAnswer = Stopwatch.StartNew();
        Assert.True(await workerLock.TryAcquireAsync(2 * s_sessionLease, TestTimeout.Token(60)), $"The dead worker's lock was not given back within {2 * s_sessionLease.TotalSeconds} s.");
        output.WriteLine($"The dead worker's lock passed on {(sinceKill.Elapsed - lastAnswer).TotalSeconds:F2} s after the last object answered.");
        Assert.True(workerLock.FencingToken > 0);
        await TestTimeout.UntilAsync(() => Task.FromResult(workerPermits.CurrentCount == 2), seconds: 30, because: "the dead worker's permit comes back a lease after the restore");

        // The live client's heartbeat kept its holdings past a whole lease since its last call on the new activations
        // (a restore gives each session a fresh lease, which ends unless renewed). Not a synchronisation: the rest of
        // a lease period is waited out so that a lease without renewals would have ended.
        TimeSpan pastLease = s_sessionLease + TimeSpan.FromSeconds(2) - sinceLastCall.Elapsed;
        if (pastLease > TimeSpan.Zero)
        {
            await Task.Delay(pastLease, TestTimeout.Token(30));
        }

        AssertLiveHoldings(locks, tokens, semaphores);

        // The queue on the surviving silo was never restored: its abandoned item came back when its lease ended
        // (QueueItemLease, 5 s after the take; more than a session lease has passed since).
        Assert.Equal(s_items[2..], queues[OnDoomed].TakeMany(100));
        for (int i = 0; i < locks.Length; i++)
        {
            locks[i].Release();
            if (i % 3 == 1)
            {
                locks[i].Release();
            }

            Assert.True(locks[i].TryAcquire(TimeSpan.Zero, out long next), $"lock {i} was not free after its holder released it.");
            Assert.True(next > tokens[i], $"lock {i}: fencing tokens keep growing after a restore ({next} after {tokens[i]}).");
            locks[i].Release();
        }

        foreach (ISharedSemaphore semaphore in semaphores)
        {
            Assert.Equal(1, semaphore.Release(2));
            Assert.Equal(3, semaphore.CurrentCount);
        }

        output.WriteLine($"Whole test after the kill: {sinceKill.Elapsed.TotalSeconds:F1} s; waited {sinceAnswer.Elapsed.TotalSeconds:F1} s for the dead client's lease.");
    }

    /// <summary>The live client still holds each lock under the token it was granted, and two permits of each semaphore.</summary>
    private static void AssertLiveHoldings(ISharedLock[] locks, long[] tokens, ISharedSemaphore[] semaphores)
    {
        for (int i = 0; i < locks.Length; i++)
        {
            Assert.True(locks[i].IsLocked, $"lock {i} is free: the live client lost it.");
            if (i % 3 != 2)
            {
                // A Python-style lock has no owner; the others are this client's, under the same grant.
                Assert.Equal(tokens[i], locks[i].FencingToken);
            }
        }

        Assert.All(semaphores, s => Assert.Equal(1, s.CurrentCount));
    }

    private static long Id(object proxy) => SharedObject.FromProxy(proxy).ObjectId;

    /// <summary>Takes <paramref name="count"/> items and never acknowledges them (the reply is not decoded): a taker that died with them.</summary>
    private static async Task AbandonTakeAsync(ISharedQueue<int> queue, int count)
    {
        SharedObject handle = SharedObject.FromProxy(queue);
        _ = await handle.ChannelForCall().CallAsync(
            handle.ObjectId,
            QueueMembers.Take,
            new CallArguments([count, TimeSpan.Zero], null, [ValueCodec<int>.Writer, ValueCodec<TimeSpan>.Writer]),
            TestTimeout.Token());
    }

    /// <summary>In the worker process: takes one item (acknowledged), takes two without acknowledging them, acquires the lock and a permit, says so, and waits to be killed.</summary>
    private static void HoldAndWaitToBeKilled(ISharedQueue<int> queue, ISharedLock held, ISharedSemaphore permits, ISharedEvent ready)
    {
        queue.Take();
        AbandonTakeAsync(queue, 2).GetAwaiter().GetResult();
        held.Acquire();
        permits.Acquire();
        ready.Set();

        // Bounded, in case the test dies before it kills this process.
        using var never = new ManualResetEventSlim();
        never.Wait(TimeSpan.FromMinutes(3));
    }

    /// <summary>Puts 1, 2, 3, ... into one queue until stopped, recording which puts were acknowledged and which failed.</summary>
    private sealed class Producer
    {
        private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(10);
        private readonly TaskCompletionSource _firstAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Producer(ISharedQueue<int> queue, CancellationToken stop)
        {
            Completion = Task.Run(() => RunAsync(queue, stop), CancellationToken.None);
        }

        public List<int> Acknowledged { get; } = [];

        public List<int> Failed { get; } = [];

        public Task FirstAcknowledged => _firstAcknowledged.Task;

        public Task Completion { get; }

        private async Task RunAsync(ISharedQueue<int> queue, CancellationToken stop)
        {
            for (int item = 1; !stop.IsCancellationRequested; item++)
            {
                using var call = new CancellationTokenSource(FailoverScenario.ProbeTimeout);
                try
                {
                    await queue.PutAsync(item, call.Token);
                    Acknowledged.Add(item);
                    _firstAcknowledged.TrySetResult();

                    // Paced: a persisted queue stores every item it holds after each put.
                    await Task.Delay(s_pace, CancellationToken.None);
                }
                catch (Exception ex) when (ex is ManagerUnavailableException or OperationCanceledException)
                {
                    Failed.Add(item);
                    await Task.Delay(RecoveryProbe.RetryPause, CancellationToken.None);
                }
            }
        }
    }
}
