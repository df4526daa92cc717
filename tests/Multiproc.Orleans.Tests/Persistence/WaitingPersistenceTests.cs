using Multiproc.Protocol.BuiltIns;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// The waiting built-ins persisted in a real Redis: a queue, locks, an owned semaphore, an event, conditions and a
/// barrier on the silo that is killed come back with their acknowledged state, and what a live client holds is still
/// its own; a volatile built-in is lost with a clear error; a closing client's unacknowledged items come back at once.
/// </summary>
/// <remarks>A cluster per test: killing a silo must not disturb the other tests.</remarks>
public sealed class WaitingPersistenceTests
{
    [Fact(Timeout = 240_000)]
    public async Task AcknowledgedStateOfEveryWaitingBuiltIn_SurvivesTheDeathOfItsSilo_ALiveClientStillHoldsWhatItHeld_TakesAndWaitsGoOn()
    {
        var cluster = new PersistentClusterFixture();
        await cluster.InitializeAsync();
        try
        {
            Manager manager = cluster.Manager;
            await using Manager other = OrleansManager.Connect(cluster.Cluster.Client);
            SiloAddress doomed = cluster.Cluster.SecondarySilos[0].SiloAddress;

            // A queue: 1 and 2 taken and acknowledged, 3 taken and never acknowledged, 4..6 waiting.
            ISharedQueue<int> queue = await OnSiloAsync(cluster, doomed, () => manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()));
            queue.PutMany([1, 2, 3, 4, 5, 6]);
            Assert.Equal(1, queue.Take());
            Assert.Equal(2, queue.Take());
            SharedObject handle = SharedObject.FromProxy(queue);
            _ = await handle.ChannelForCall().CallAsync(
                handle.ObjectId,
                QueueMembers.Take,
                new CallArguments([1, TimeSpan.Zero], null, [ValueCodec<int>.Writer, ValueCodec<TimeSpan>.Writer]),
                TestTimeout.Token());
            Assert.Equal(3, queue.Count);

            ISharedLock plain = await OnSiloAsync(cluster, doomed, () => manager.CreateLockAsync(cancellationToken: TestTimeout.Token()));
            long token = plain.Acquire();
            ISharedLock reentrant = await OnSiloAsync(cluster, doomed, () => manager.CreateLockAsync(reentrant: true, TestTimeout.Token()));
            reentrant.Acquire();
            reentrant.Acquire();
            ISharedLock python = await OnSiloAsync(cluster, doomed, () => manager.CreatePythonLockAsync(TestTimeout.Token()));
            python.Acquire();
            ISharedSemaphore permits = await OnSiloAsync(cluster, doomed, () => manager.CreateSemaphoreAsync(3, 3, SemaphoreKind.Owned, TestTimeout.Token()));
            permits.Acquire();
            permits.Acquire();
            ISharedEvent flag = await OnSiloAsync(cluster, doomed, () => manager.CreateEventAsync(cancellationToken: TestTimeout.Token()));
            flag.Set();
            ISharedLock conditionLock = await OnSiloAsync(cluster, doomed, () => manager.CreateLockAsync(cancellationToken: TestTimeout.Token()));
            ISharedCondition overShared = await manager.CreateConditionAsync(conditionLock, TestTimeout.Token());
            ISharedCondition ownLock = await OnSiloAsync(cluster, doomed, () => manager.CreateConditionAsync(cancellationToken: TestTimeout.Token()));
            ownLock.Acquire();
            ISharedBarrier barrier = await OnSiloAsync(cluster, doomed, () => manager.CreateBarrierAsync(2, TestTimeout.Token()));
            ISharedBarrier otherBarrier = await LookUpAsync<ISharedBarrier>(manager, other, barrier);
            await Task.WhenAll(barrier.SignalAndWaitAsync(TestTimeout.Token()), otherBarrier.SignalAndWaitAsync(TestTimeout.Token()));

            // Waits in progress on the dying silo: not state, but a take and an event wait go on on the new activation.
            ISharedQueue<int> waitedOn = await OnSiloAsync(cluster, doomed, () => manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()));
            Task<int> taking = waitedOn.TakeAsync(TestTimeout.Token(150));
            ISharedEvent awaited = await OnSiloAsync(cluster, doomed, () => manager.CreateEventAsync(cancellationToken: TestTimeout.Token()));
            Task awaiting = awaited.WaitAsync(TestTimeout.Token(150));
            await TestTimeout.UntilAsync(async () => await CallsInProgressAsync(cluster, waitedOn) == 1 && await CallsInProgressAsync(cluster, awaited) == 1);

            ISharedLock otherPlain = await LookUpAsync<ISharedLock>(manager, other, plain);
            ISharedLock otherReentrant = await LookUpAsync<ISharedLock>(manager, other, reentrant);
            ISharedLock otherPython = await LookUpAsync<ISharedLock>(manager, other, python);
            ISharedCondition otherOwnLock = await LookUpAsync<ISharedCondition>(manager, other, ownLock);

            await cluster.Cluster.KillSiloAsync(cluster.Cluster.SecondarySilos[0]);
            await AnswersAgainAsync(() => Task.Run(() => queue.Count));

            // The queue: exactly the unacknowledged items, the one taken and never acknowledged back at the front.
            Assert.Equal(4, queue.Count);
            Assert.Equal([3, 4, 5, 6], queue.TakeMany(10));

            // The live client still holds its locks and permits; another client cannot take them.
            await AnswersAgainAsync(() => Task.Run(() => plain.IsLocked));
            Assert.False(otherPlain.TryAcquire(TimeSpan.Zero));
            Assert.False(otherReentrant.TryAcquire(TimeSpan.Zero));
            Assert.False(otherPython.TryAcquire(TimeSpan.Zero));
            Assert.False(otherOwnLock.TryAcquire(TimeSpan.Zero));
            plain.Release();
            Assert.True(otherPlain.TryAcquire(TimeSpan.Zero, out long next));
            Assert.True(next > token, "Fencing tokens keep growing after a restore.");
            reentrant.Release();
            Assert.False(otherReentrant.TryAcquire(TimeSpan.Zero));
            reentrant.Release();
            Assert.True(otherReentrant.TryAcquire(TimeSpan.Zero));
            ownLock.Release();
            Assert.True(otherOwnLock.TryAcquire(TimeSpan.Zero));

            Assert.Equal(1, permits.CurrentCount);
            Assert.Equal(1, permits.Release(2));
            Assert.Equal(3, permits.CurrentCount);

            Assert.True(flag.IsSet);

            // The condition over a lock of the dead silo came back with its lock.
            overShared.Acquire();
            Assert.Equal(0, overShared.Notify());
            Assert.False(overShared.Wait(TimeSpan.FromMilliseconds(50)));
            overShared.Release();

            Assert.Equal(1, barrier.CurrentPhaseNumber);
            Assert.Equal(2, barrier.ParticipantCount);
            Assert.False(barrier.IsBroken);

            // The waits that were in progress when the silo died were resumed on the new activations.
            Assert.False(taking.IsFaulted, taking.Exception?.ToString());
            Assert.False(awaiting.IsFaulted, awaiting.Exception?.ToString());
            waitedOn.Put(42);
            Assert.Equal(42, await taking.WaitAsync(TimeSpan.FromSeconds(90)));
            awaited.Set();
            await awaiting.WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task VolatileWaitingBuiltIn_OfADeadSilo_SaysItWasLostWithItsSilo()
    {
        var cluster = new PersistentClusterFixture(BuiltInTypes.Event);
        await cluster.InitializeAsync();
        try
        {
            SiloAddress doomed = cluster.Cluster.SecondarySilos[0].SiloAddress;
            ISharedEvent flag = await OnSiloAsync(cluster, doomed, () => cluster.Manager.CreateEventAsync(cancellationToken: TestTimeout.Token()));
            flag.Set();

            await cluster.Cluster.KillSiloAsync(cluster.Cluster.SecondarySilos[0]);

            KeyNotFoundException lost = await LostAsync(() => flag.IsSet);
            Assert.Contains("volatile", lost.Message, StringComparison.Ordinal);
            Assert.Contains("lost with its silo", lost.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ClientClosing_ItsUnacknowledgedQueueItems_GoBackToTheFrontAtOnce()
    {
        var cluster = new PersistentClusterFixture();
        await cluster.InitializeAsync();
        try
        {
            ISharedQueue<int> queue = await cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
            queue.PutMany([1, 2]);
            Manager closing = OrleansManager.Connect(cluster.Cluster.Client);
            SharedObject seen = SharedObject.FromProxy(await LookUpAsync<ISharedQueue<int>>(cluster.Manager, closing, queue));

            // Taken by the closing client and never acknowledged: the grain holds it for a minute (QueueItemLease).
            _ = await seen.ChannelForCall().CallAsync(
                seen.ObjectId,
                QueueMembers.Take,
                new CallArguments([1, TimeSpan.Zero], null, [ValueCodec<int>.Writer, ValueCodec<TimeSpan>.Writer]),
                TestTimeout.Token());
            Assert.Equal(1, queue.Count);

            await closing.DisposeAsync();

            // As a manager's closed connection: the item is back at the front at once, not a lease later.
            Assert.True(queue.TryTake(out int first, TimeSpan.Zero));
            Assert.Equal(1, first);
            Assert.Equal(2, queue.Take());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact(Timeout = 180_000)]
    public Task ConditionWait_WhoseReacquireWasParkedWhenItsSiloDied_GoesOnOnTheNewActivation_AndReturnsHoldingTheLock()
        => ConditionWaitAcrossTheDeathOfItsSiloAsync(async (cluster, condition, seen, waiting) =>
        {
            // Notified while the other client holds the lock, the wait's reacquire outlasts its slice and is parked.
            await seen.AcquireAsync(TestTimeout.Token());
            Assert.Equal(1, seen.Notify());
            Grains.IWaitingObjectGrain grain = cluster.Cluster.Client.GetGrain<Grains.IWaitingObjectGrain>(SharedObject.FromProxy(condition).ObjectId);
            await TestTimeout.UntilAsync(async () => await grain.CountParkedReacquiresAsync() == 1, because: "the reacquire was not parked", seconds: 60);

            // The parked reacquire dies with the silo; the lock comes back held by the other (live) client.
            await cluster.Cluster.KillSiloAsync(cluster.Cluster.SecondarySilos[0]);
            await AnswersAgainAsync(() => Task.Run(() => seen.IsLocked));
            Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());

            // The waiter's resumes reach the new activation, which starts its reacquire again: it gets the lock once
            // the other client lets go (it used to fail as unavailable).
            seen.Release();
        });

    [Fact(Timeout = 180_000)]
    public Task ConditionWait_ForANotificationWhenItsSiloDies_GoesOnOnTheNewActivation_AndIsNotifiedThere()
        => ConditionWaitAcrossTheDeathOfItsSiloAsync(async (cluster, _, seen, waiting) =>
        {
            // The wait's first slice dies with the silo, before anything notified it.
            await cluster.Cluster.KillSiloAsync(cluster.Cluster.SecondarySilos[0]);

            // Its caller sends that slice again to the new activation, which starts the wait afresh (the release at the
            // wait's start died unstored with the slice): another client gets the lock once the waiter has let it go,
            // and its notification reaches the wait (which used to fail as unavailable, the lock kept by its session).
            Assert.True(await Task.Run(() => seen.TryAcquire(TimeSpan.FromSeconds(120))).WaitAsync(TestTimeout.Token(130)));
            Assert.False(waiting.IsCompleted, waiting.Exception?.ToString());
            Assert.Equal(1, seen.Notify());
            seen.Release();
        });

    /// <summary>
    /// A condition on the silo that dies, waited on by the fixture's client (holding its lock to start) and looked up by
    /// another; <paramref name="scenario"/> kills the silo and lets go of the lock; the wait must then return holding it.
    /// </summary>
    private static async Task ConditionWaitAcrossTheDeathOfItsSiloAsync(Func<PersistentClusterFixture, ISharedCondition, ISharedCondition, Task<bool>, Task> scenario)
    {
        var cluster = new PersistentClusterFixture();
        await cluster.InitializeAsync();
        try
        {
            Manager manager = cluster.Manager;
            await using Manager other = OrleansManager.Connect(cluster.Cluster.Client);
            SiloAddress doomed = cluster.Cluster.SecondarySilos[0].SiloAddress;
            ISharedCondition condition = await OnSiloAsync(cluster, doomed, () => manager.CreateConditionAsync(cancellationToken: TestTimeout.Token()));
            ISharedCondition seen = await LookUpAsync<ISharedCondition>(manager, other, condition);
            await condition.AcquireAsync(TestTimeout.Token());
            Task<bool> waiting = condition.WaitAsync(TimeSpan.FromSeconds(150), TestTimeout.Token(170));
            await TestTimeout.UntilAsync(async () => await CallsInProgressAsync(cluster, condition) == 1);

            await scenario(cluster, condition, seen, waiting);

            Assert.True(await waiting.WaitAsync(TestTimeout.Token(90)));
            Assert.False(seen.TryAcquire(TimeSpan.Zero));
            condition.Release();
            Assert.True(seen.TryAcquire(TimeSpan.Zero));
            seen.Release();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>Creates objects until one lands on <paramref name="silo"/> (random placement; the others stay, unused).</summary>
    private static async Task<T> OnSiloAsync<T>(PersistentClusterFixture cluster, SiloAddress silo, Func<Task<T>> create)
        where T : class
    {
        IManagementGrain management = cluster.Cluster.Client.GetGrain<IManagementGrain>(0);
        for (int attempt = 0; attempt < 64; attempt++)
        {
            T created = await create();
            long id = SharedObject.FromProxy(created).ObjectId;
            if (silo.Equals(await management.GetActivationAddress(cluster.Cluster.Client.GetGrain<Grains.IWaitingObjectGrain>(id)).AsTask().WaitAsync(TestTimeout.Token())))
            {
                return created;
            }
        }

        throw new InvalidOperationException($"No object landed on {silo} in 64 creates.");
    }

    private static Task<int> CallsInProgressAsync(PersistentClusterFixture cluster, object proxy)
        => cluster.Cluster.Client.GetGrain<Grains.IWaitingObjectGrain>(SharedObject.FromProxy(proxy).ObjectId).CountCallsInProgressAsync();

    private static async Task<T> LookUpAsync<T>(Manager owner, Manager other, object proxy)
        where T : class
    {
        string name = $"waiting-{Guid.NewGuid():N}";
        await owner.PublishAsync(name, proxy, TestTimeout.Token());
        return await other.LookupAsync<T>(name, TestTimeout.Token());
    }

    // An object of a dead silo answers once membership has declared the silo dead and the object is reactivated
    // elsewhere; until then a call fails as unavailable. The whole wait is bounded.
    private static async Task AnswersAgainAsync<T>(Func<Task<T>> probe)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await probe().WaitAsync(TimeSpan.FromSeconds(5), deadline.Token);
                return;
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or TimeoutException && !deadline.IsCancellationRequested)
            {
            }
        }
    }

    private static async Task<KeyNotFoundException> LostAsync(Func<bool> probe)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                bool answered = await Task.Run(probe).WaitAsync(TimeSpan.FromSeconds(5), deadline.Token);
                Assert.Fail($"The volatile object answered {answered} after its silo died.");
            }
            catch (KeyNotFoundException ex)
            {
                return ex;
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or TimeoutException && !deadline.IsCancellationRequested)
            {
            }
        }
    }
}
