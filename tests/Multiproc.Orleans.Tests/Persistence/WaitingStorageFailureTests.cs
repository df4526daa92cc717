using Multiproc.Orleans.Grains;
using Multiproc.Orleans.Silo;
using Multiproc.Orleans.Tests.Waiting;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// The waiting built-ins' grain when a storage write fails: the call whose change it held fails as unavailable, and the
/// object comes back with its last stored state (a put not there, a taken item whose acknowledgement was not stored back
/// in the queue, a lock not held); a failed delete leaves the object and no tombstone; a create retried while the
/// first one's record is written waits for that write, and fails with it.
/// </summary>
/// <remarks>A one-silo cluster per test (<see cref="FailingStorageCluster"/>), as <see cref="StorageFailureTests"/>.</remarks>
public sealed class WaitingStorageFailureTests : FailingStorageTests
{
    [Fact(Timeout = 60_000)]
    public async Task PutWhoseWriteFails_FailsAsUnavailable_AndTheQueueComesBackWithoutItsItem_ARetryIsStored()
    {
        ISharedQueue<int> queue = await Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.Put(1);

        Storage.FailWrites = true;
        Assert.Throws<ManagerUnavailableException>(() => queue.Put(2));
        Storage.FailWrites = false;

        Assert.Equal(1, await FailingStorageCluster.AnswerAsync(() => queue.Count));
        queue.Put(2);
        Assert.Equal([1, 2], queue.TakeMany(10));
    }

    [Fact(Timeout = 60_000)]
    public async Task TakeWhoseAcknowledgementIsNotStored_LosesNoItem_ItIsThereAgainAfterTheReload()
    {
        ISharedQueue<int> queue = await Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.PutMany([1, 2]);

        // The take itself changes no snapshot (an unacknowledged item is kept in it); the write of its acknowledgement
        // fails, which the take does not see (delivery is at-least-once).
        Storage.FailWrites = true;
        Assert.True(queue.TryTake(out int taken, TimeSpan.Zero));
        Assert.Equal(1, taken);
        Storage.FailWrites = false;

        // Storage holds the item unacknowledged: the next activation has it back at the front.
        Assert.Equal(2, await FailingStorageCluster.AnswerAsync(() => queue.Count));
        Assert.Equal([1, 2], queue.TakeMany(10));
    }

    [Fact(Timeout = 60_000)]
    public async Task TakeWhoseReplyWaitsOnAWriteSlowerThanTheItemLease_IsAcknowledgedInTime_TheItemIsNotDeliveredTwice()
    {
        ISharedQueue<int> queue = await Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.Put(1);

        // A put's write is slow; a take's reply waits for it, since that write holds the take's state too.
        Storage.HoldWrites = true;
        Task put = queue.PutAsync(2, TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(Storage.HeldWrites == 1), because: "the put's write was not held");
        Task<(bool Taken, int Item)> take = queue.TryTakeAsync(TimeSpan.Zero, TestTimeout.Token());

        // The fault: the write takes longer than a taken item's lease (WaitingObjectOptions.QueueItemLease, 5 s here).
        await Task.Delay(new WaitingObjectOptions().QueueItemLease + TimeSpan.FromSeconds(1), TestTimeout.Token());
        Assert.False(take.IsCompleted);
        Storage.HoldWrites = false;
        Storage.ReleaseAll();
        await put.WaitAsync(TestTimeout.Token());
        Assert.Equal((true, 1), await take.WaitAsync(TestTimeout.Token()));

        // The lease ran from the reply, so the acknowledgement committed it: 1 is not back (it came back while the
        // write was held, and was delivered twice, when the lease ran from the take).
        Assert.Equal([2], queue.TakeMany(10));
    }

    [Fact(Timeout = 60_000)]
    public async Task AcquireWhoseWriteFails_FailsAsUnavailable_AndTheLockIsNotHeld()
    {
        ISharedLock gate = await Manager.CreateLockAsync(cancellationToken: TestTimeout.Token());

        Storage.FailWrites = true;
        Assert.Throws<ManagerUnavailableException>(() => gate.TryAcquire(TimeSpan.Zero));
        Storage.FailWrites = false;

        Assert.False(await FailingStorageCluster.AnswerAsync(() => gate.IsLocked));
        Assert.True(gate.TryAcquire(TimeSpan.Zero));
        gate.Release();
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteWhoseTombstoneIsNotStored_Fails_AndTheObjectLivesOn_WithNoTombstoneStored()
    {
        ISharedQueue<int> queue = await Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        queue.Put(1);

        Storage.FailWrites = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => OrleansManager.DeleteAsync(queue, TestTimeout.Token()));
        Storage.FailWrites = false;

        Assert.Equal(1, await FailingStorageCluster.AnswerAsync(() => queue.Count));
        queue.Put(2);
        // What storage holds says the queue lives: the unstored tombstone did not ride along with the next write.
        Assert.DoesNotContain(Storage.States.OfType<ObjectRecord>(), r => r.Deleted);
        Assert.True(await OrleansManager.DeleteAsync(queue, TestTimeout.Token()));
        Assert.Throws<KeyNotFoundException>(() => queue.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteWhoseTombstoneIsStoredButReportsAFailure_Fails_AndTheObjectThenAnswersWhatStorageHolds_Deleted()
    {
        ISharedEvent flag = await Manager.CreateEventAsync(cancellationToken: TestTimeout.Token());
        flag.Set();

        Storage.StoreThenFail = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => OrleansManager.DeleteAsync(flag, TestTimeout.Token()));
        Storage.StoreThenFail = false;

        // The tombstone reached storage: the activation was dropped, so the next one reads it, not the event in memory.
        KeyNotFoundException deleted = await FailingStorageCluster.AbsentAsync(() => flag.IsSet);
        Assert.Contains("deleted", deleted.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateRetriedWhileTheFirstCreatesRecordIsWritten_WaitsForThatWrite_AndFailsWithIt()
    {
        long id = WaitingObjectIds.Mark(Random.Shared.NextInt64(1, long.MaxValue), waiting: true);
        IWaitingObjectGrain grain = Cluster.Client.GetGrain<IWaitingObjectGrain>(id);
        byte[] create = WaitingObjectGrainTests.CreateCall(callId: 7, BuiltInTypes.Event);

        Storage.HoldWrites = true;
        Task<byte[]?> first = grain.CreateAsync(create);
        await TestTimeout.UntilAsync(() => Task.FromResult(Storage.HeldWrites == 1), because: "the first create's record is held");
        Task<byte[]?> retried = grain.CreateAsync(create);
        // A grain call sent after the retry on the same connection is answered after the retry was delivered.
        await grain.GetTypeIdAsync().WaitAsync(TestTimeout.Token());
        Storage.ReleaseOldest(fail: true);

        // A retry that reaches the grain only after the failed write dropped the activation goes to the next one (on a
        // loaded machine, delivery order is not promised): its own write must go through.
        Storage.HoldWrites = false;
        Storage.ReleaseAll();

        // Answered before the write completed, the retry would tell its client of an object that storage never held.
        AssertFailed(await Record.ExceptionAsync(() => first.WaitAsync(TestTimeout.Token())));
        if (await Record.ExceptionAsync(() => retried.WaitAsync(TestTimeout.Token())) is { } failure)
        {
            AssertFailed(failure);
        }
        else
        {
            Assert.Contains(Storage.States.OfType<ObjectRecord>(), r => r.TypeId == BuiltInTypes.Event && !r.Deleted);
        }

        // Sent again, the create makes its object on the next activation.
        Assert.NotNull(await FailingStorageCluster.CreateUntilAnsweredAsync(() => grain.CreateAsync(create)));
        Assert.Equal(BuiltInTypes.Event, await grain.GetTypeIdAsync().WaitAsync(TestTimeout.Token()));
        Assert.Contains(Storage.States.OfType<ObjectRecord>(), r => r.TypeId == BuiltInTypes.Event && !r.Deleted);
    }

    private static void AssertFailed(Exception? failure)
    {
        Assert.NotNull(failure);
        Assert.False(failure is OperationCanceledException, $"The create was not answered in time: {failure}");
    }
}
