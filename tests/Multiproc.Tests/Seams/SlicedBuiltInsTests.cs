using Multiproc.Protocol.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>
/// The waiting built-ins over a channel that limits how long one call may wait (as an Orleans grain
/// call's timeout does): a long wait becomes repeated short calls, and the caller sees one wait.
/// </summary>
public sealed class SlicedBuiltInsTests : ObjectHostTestBase
{
    private static readonly TimeSpan s_slice = TimeSpan.FromMilliseconds(20);

    [Fact(Timeout = 20_000)]
    public async Task Take_WithNothingQueued_WaitsInSlices_ThenGetsWhatArrives()
    {
        var channel = new InMemoryChannel(Host, s_slice);
        Manager manager = Manager.Over(channel);
        using ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        Task<int> take = queue.TakeAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(Calls(channel, QueueMembers.Take) >= 3), because: "the take was not sliced");
        Assert.False(take.IsCompleted);
        await queue.PutAsync(7, TestTimeout.Token());

        Assert.Equal(7, await take);
        Assert.Equal(0, queue.Count);
    }

    [Fact(Timeout = 20_000)]
    public async Task TryTake_NothingArrives_TimesOutAfterTheCallersTimeout_NotTheSlice()
    {
        var channel = new InMemoryChannel(Host, s_slice);
        Manager manager = Manager.Over(channel);
        using ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        (bool taken, _) = await queue.TryTakeAsync(TimeSpan.FromMilliseconds(200), TestTimeout.Token());

        Assert.False(taken);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"returned after {clock.Elapsed}");
        Assert.True(Calls(channel, QueueMembers.Take) >= 2);
    }

    [Fact(Timeout = 20_000)]
    public async Task LockAcquire_HeldElsewhere_RetriesInSlices_UntilReleased_AndOwnsIt()
    {
        Manager owner = Manager.Over(new InMemoryChannel(Host));
        var channel = new InMemoryChannel(Host, s_slice);
        Manager waiter = Manager.Over(channel);
        using ISharedLock held = await owner.CreateLockAsync(cancellationToken: TestTimeout.Token());
        await owner.PublishAsync("lock", held, TestTimeout.Token());
        using ISharedLock wanted = await waiter.LookupAsync<ISharedLock>("lock", TestTimeout.Token());
        await held.AcquireAsync(TestTimeout.Token());

        Task acquire = wanted.AcquireAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(Calls(channel, "Acquire") >= 3), because: "the acquire was not sliced");
        Assert.False(acquire.IsCompleted);
        held.Release();
        await acquire;

        Assert.False(await held.TryAcquireAsync(TimeSpan.Zero, TestTimeout.Token()));
        wanted.Release();
    }

    [Fact(Timeout = 20_000)]
    public async Task EventWait_InSlices_EndsWhenSet()
    {
        var channel = new InMemoryChannel(Host, s_slice);
        Manager manager = Manager.Over(channel);
        using ISharedEvent signal = await manager.CreateEventAsync(cancellationToken: TestTimeout.Token());

        Task wait = signal.WaitAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(Calls(channel, EventMembers.Wait) >= 3), because: "the wait was not sliced");
        Assert.False(wait.IsCompleted);
        signal.Set();

        await wait;
    }

    [Fact(Timeout = 20_000)]
    public async Task WithoutASliceLimit_AWaitIsOneCall()
    {
        var channel = new InMemoryChannel(Host);
        Manager manager = Manager.Over(channel);
        using ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        (bool taken, _) = await queue.TryTakeAsync(TimeSpan.FromMilliseconds(100), TestTimeout.Token());

        Assert.False(taken);
        Assert.Equal(1, Calls(channel, QueueMembers.Take));
    }

    [Fact(Timeout = 20_000)]
    public async Task ConditionWait_LockHeldElsewhereForManySlices_ResumesTheReacquire_AndReturnsHoldingTheLock()
    {
        Manager notifier = Manager.Over(new InMemoryChannel(Host));
        var channel = new InMemoryChannel(Host, s_slice);
        Manager waiter = Manager.Over(channel);
        using ISharedCondition condition = await notifier.CreateConditionAsync(cancellationToken: TestTimeout.Token());
        await notifier.PublishAsync("condition", condition, TestTimeout.Token());
        using ISharedCondition waiting = await waiter.LookupAsync<ISharedCondition>("condition", TestTimeout.Token());
        await waiting.AcquireAsync(TestTimeout.Token());

        Task<bool> wait = waiting.WaitAsync(TimeSpan.FromSeconds(10), TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(!condition.IsLocked), because: "the wait did not release the lock");
        await condition.AcquireAsync(TestTimeout.Token());
        Assert.Equal(1, condition.Notify());

        // The lock stays here for many slices: each slice of the waiter resumes its reacquire instead of failing.
        int before = Calls(channel, ConditionMembers.WaitSlice);
        await TestTimeout.UntilAsync(() => Task.FromResult(Calls(channel, ConditionMembers.WaitSlice) >= before + 3), because: "the reacquire was not resumed");
        Assert.False(wait.IsCompleted);
        condition.Release();

        Assert.True(await wait);
        Assert.False(await condition.TryAcquireAsync(TimeSpan.Zero, TestTimeout.Token()));
        waiting.Release();
    }

    private static int Calls(InMemoryChannel channel, string member) => channel.CallsByMember.GetValueOrDefault(member);
}
