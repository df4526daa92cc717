using System.Buffers;
using System.Globalization;
using MessagePack;
using Multiproc.Orleans.Grains;
using Multiproc.Proxies;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// When a storage write fails, the call whose change it held fails as unavailable, and no state that storage does not
/// hold is ever seen afterwards: the object comes back with its last stored state. A failed delete leaves the object.
/// </summary>
/// <remarks>
/// A one-silo cluster per test (<see cref="FailingStorageCluster"/>): its storage is switched to fail, or holds its
/// writes until a test fails or stores each one, so a write fails at a chosen moment, never by timing. The waiting
/// built-ins' grain: <see cref="WaitingStorageFailureTests"/>.
/// </remarks>
public sealed class StorageFailureTests : FailingStorageTests
{
    [Fact(Timeout = 60_000)]
    public async Task WriteFails_TheCallFailsAsUnavailable_AndTheObjectComesBackWithItsLastStoredState()
    {
        IEmployee ann = await Manager.CreateAsync<IEmployee>(["Ann", 1000m], TestTimeout.Token());
        ann.Raise(1m);

        Storage.FailWrites = true;
        Assert.Throws<ManagerUnavailableException>(() => ann.Raise(10m));
        Storage.FailWrites = false;

        // The raise that was not stored is never seen: the object is read back from storage (a call meanwhile may be
        // refused as unavailable while the failed activation goes, never answered from its memory).
        Assert.Equal(1001m, await FailingStorageCluster.AnswerAsync(() => ann.Salary));
        Assert.Equal(1003m, ann.Raise(2m));
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteWhoseTombstoneIsNotStored_Fails_AndTheObjectLivesOn()
    {
        IEmployee bob = await Manager.CreateAsync<IEmployee>(["Bob", 5m], TestTimeout.Token());

        Storage.FailWrites = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => OrleansManager.DeleteAsync(bob, TestTimeout.Token()));
        Storage.FailWrites = false;

        Assert.Equal(5m, await FailingStorageCluster.AnswerAsync(() => bob.Salary));
        Assert.Equal(6m, bob.Raise(1m));
        // What storage holds says the object lives: the unstored tombstone did not ride along with the next write.
        Assert.DoesNotContain(Storage.States.OfType<Orleans.Silo.ObjectRecord>(), r => r.Deleted);
        Assert.True(await OrleansManager.DeleteAsync(bob, TestTimeout.Token()));
        Assert.Throws<KeyNotFoundException>(() => bob.Salary);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeleteWhoseTombstoneIsStoredButReportsAFailure_Fails_AndTheObjectThenAnswersWhatStorageHolds_Deleted()
    {
        IEmployee cid = await Manager.CreateAsync<IEmployee>(["Cid", 5m], TestTimeout.Token());

        Storage.StoreThenFail = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => OrleansManager.DeleteAsync(cid, TestTimeout.Token()));
        Storage.StoreThenFail = false;

        // The tombstone reached storage: the activation was dropped, so the next one reads it, not the object in memory.
        KeyNotFoundException deleted = await FailingStorageCluster.AbsentAsync(() => cid.Salary);
        Assert.Contains("deleted", deleted.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task WriteFails_TheCallRunningMeanwhileAndTheCallWaitingItsTurn_FailAsUnavailable_NoneIsAcknowledgedUnstored()
    {
        string tag = UniqueTag();
        ILedger ledger = await Manager.CreateAsync<ILedger>([tag], TestTimeout.Token());
        FailingStorage storage = Storage;
        storage.HoldWrites = true;

        Task<int> first = AddAsync(ledger, 1);
        await TestTimeout.UntilAsync(() => Task.FromResult(storage.HeldWrites == 1), because: "the first call's write is held");
        Task<int> running = ledger.AddWhenReleasedAsync(2);
        await TestTimeout.UntilAsync(() => Task.FromResult(Ledger.IsWaiting(tag)), because: "the second call's user code runs");
        Task<int> waiting = AddAsync(ledger, 4);
        await ReachedAsync(ledger);

        storage.ReleaseOldest(fail: true);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => first);

        // A waiting call that reaches the grain only after the drop goes to the next activation (on a loaded machine,
        // delivery order is not promised): its own write must go through.
        storage.HoldWrites = false;
        storage.ReleaseAll();
        Ledger.Release(tag);

        // The running call changed an object whose write failed: never acknowledged. The waiting call reaches an
        // activation being reloaded: unavailable (retry), not "no such object"; or the next activation, stored there.
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => running);
        int stored = 0;
        if (await Record.ExceptionAsync(() => waiting) is { } failure)
        {
            Assert.IsType<ManagerUnavailableException>(failure);
        }
        else
        {
            stored = 4;
        }

        Assert.Equal(stored, await FailingStorageCluster.AnswerAsync(() => ledger.Total));
    }

    [Fact(Timeout = 60_000)]
    public async Task MergedWriteFails_EveryCallerWaitingOnIt_SeesTheFailure_AlsoOneWhoseImageWasAlreadyStaged()
    {
        string tag = UniqueTag();
        ILedger ledger = await Manager.CreateAsync<ILedger>([tag], TestTimeout.Token());
        FailingStorage storage = Storage;
        storage.HoldWrites = true;

        Task<int> first = AddAsync(ledger, 1);
        await TestTimeout.UntilAsync(() => Task.FromResult(storage.HeldWrites == 1), because: "the first write is held");
        Task<int> merged = AddAsync(ledger, 2);
        await TestTimeout.UntilAsync(() => Task.FromResult(Ledger.Adds(tag) == 2), because: "the second change waits for the next write");
        storage.ReleaseOldest(fail: false);
        Assert.Equal(1, await first.WaitAsync(TestTimeout.Token()));
        await TestTimeout.UntilAsync(() => Task.FromResult(storage.HeldWrites == 1), because: "the merged write is held");

        // A read changes nothing: it waits for the write in flight, which holds the change it reads.
        Task<int> read = SharedObject.FromProxy(ledger).InvokeAsync<int>("get_Total", [], TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(Ledger.Reads(tag) == 1), because: "the read ran");
        storage.ReleaseOldest(fail: true);

        await Assert.ThrowsAsync<ManagerUnavailableException>(() => merged);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => read);
        storage.HoldWrites = false;
        Assert.Equal(1, await FailingStorageCluster.AnswerAsync(() => ledger.Total));
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateRetriedToAnActivationThatDroppedItsObject_IsSentOnToWhatStorageHolds_NotToldTheIdIsTaken()
    {
        string tag = UniqueTag();
        SharedObject probe = SharedObject.FromProxy(await Manager.CreateAsync<ILedger>([UniqueTag()], TestTimeout.Token()));
        long id = WaitingObjectIds.Mark(Random.Shared.NextInt64(1, long.MaxValue), waiting: false);
        ISharedObjectGrain grain = Cluster.Client.GetGrain<ISharedObjectGrain>(id);
        byte[] create = CreateCall(callId: 7, probe.TypeId, tag);
        byte[]? made = await grain.CreateAsync(create).WaitAsync(TestTimeout.Token());
        Assert.NotNull(made);
        ILedger ledger = probe.Channel.Adopt(new HandoverDescriptor(probe.Channel.Address, [], id.ToString(CultureInfo.InvariantCulture), probe.TypeId)).As<ILedger>();

        // The create is sent again (its reply was lost) and waits for its turn while a failed write drops the object.
        FailingStorage storage = Storage;
        storage.HoldWrites = true;
        Task<int> first = AddAsync(ledger, 1);
        await TestTimeout.UntilAsync(() => Task.FromResult(storage.HeldWrites == 1), because: "the call's write is held");
        Task<int> running = ledger.AddWhenReleasedAsync(2);
        await TestTimeout.UntilAsync(() => Task.FromResult(Ledger.IsWaiting(tag)), because: "a call holds the object's turn");
        Task<byte[]?> retried = grain.CreateAsync(create);
        await ReachedAsync(ledger);
        storage.ReleaseOldest(fail: true);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => first);
        Ledger.Release(tag);
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => running);
        storage.HoldWrites = false;

        // Answered "taken" (null), its client would make a second object. Told to retry, it finds its own.
        byte[]? answer = await Record.ExceptionAsync(() => retried) is null ? await retried : await FailingStorageCluster.CreateUntilAnsweredAsync(() => grain.CreateAsync(create));
        Assert.Equal(made, answer);
        Assert.Equal(0, await FailingStorageCluster.AnswerAsync(() => ledger.Total));
    }

    [Fact(Timeout = 60_000)]
    public async Task NameWriteFailsAfterReachingStorage_TheNameThenAnswersWhatStorageHolds()
    {
        ILedger one = await Manager.CreateAsync<ILedger>([UniqueTag()], TestTimeout.Token());
        ILedger two = await Manager.CreateAsync<ILedger>([UniqueTag()], TestTimeout.Token());
        string name = UniqueTag();
        await Manager.PublishAsync(name, one, TestTimeout.Token());

        Storage.StoreThenFail = true;
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => Manager.PublishAsync(name, two, TestTimeout.Token()));
        Storage.StoreThenFail = false;

        // The failed write reached storage: the name's activation was dropped, so the next one reads the stored binding.
        ILedger found = await Manager.LookupAsync<ILedger>(name, TestTimeout.Token());
        Assert.Equal(SharedObject.FromProxy(two).ObjectId, SharedObject.FromProxy(found).ObjectId);
    }

    private static string UniqueTag() => $"ledger-{Guid.NewGuid():N}";

    /// <summary>Starts a synchronous member as an async call: the call is sent before this returns.</summary>
    private static Task<int> AddAsync(ILedger ledger, int amount)
        => SharedObject.FromProxy(ledger).InvokeAsync<int>(nameof(ILedger.Add), [amount], TestTimeout.Token());

    /// <summary>
    /// Waits until the calls sent to <paramref name="ledger"/> before this one have reached its activation: a grain
    /// call that takes no turn, sent after them on the same connection, is answered after they were delivered.
    /// </summary>
    private async Task ReachedAsync(ILedger ledger)
        => await Cluster.Client.GetGrain<ISharedObjectGrain>(SharedObject.FromProxy(ledger).ObjectId).GetTypeIdAsync().WaitAsync(TestTimeout.Token());

    private static byte[] CreateCall(uint callId, string typeId, string tag)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(6);
        writer.Write((byte)1);
        writer.Write(callId);
        writer.Write(0L);
        writer.Write("create");
        writer.Write(typeId);
        writer.Write(tag);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
