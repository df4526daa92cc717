using Microsoft.Extensions.Time.Testing;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Tests.Seams;

/// <summary>The sliced condition wait on the server class, on a fake clock: a reacquire nobody resumes is withdrawn.</summary>
public sealed class ConditionWaitSliceTests
{
    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_ReacquireNotResumedWithinTheWindow_IsWithdrawn_TheLockIsNeverHandedToTheCallerThatGaveUp()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None));

        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), waiter, CancellationToken.None).AsTask();
        Assert.NotEqual(0, await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None));
        Assert.Equal(1, condition.Notify(1, holder));

        // The holder keeps the lock past the slice: the slice ends without it, its reacquire parked.
        Assert.Equal(WaitSliceOutcome.Reacquiring, await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        // Nobody resumes it (the caller gave up): past the resume window it is withdrawn.
        clock.Advance(SharedConditionServer.ResumeWindow + TimeSpan.FromSeconds(1));
        condition.Release(holder);

        Assert.False(condition.IsLocked());
        Assert.Equal(0, condition.FencingToken(waiter));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitSlice_Resumed_ReturnsNotifiedOnceTheLockIsBack()
    {
        var clock = new FakeTimeProvider();
        using var condition = new SharedConditionServer(reentrant: false, clock);
        var waiter = new Caller(1, CancellationToken.None);
        var holder = new Caller(2, CancellationToken.None);
        await condition.Acquire(TimeSpan.Zero, waiter, CancellationToken.None);

        Task<int> slice = condition.WaitSlice(TimeSpan.FromSeconds(1), waiter, CancellationToken.None).AsTask();
        await condition.Acquire(TimeSpan.Zero, holder, CancellationToken.None);
        condition.Notify(1, holder);
        Assert.Equal(WaitSliceOutcome.Reacquiring, await AdvanceUntilAsync(clock, slice, TimeSpan.FromMilliseconds(100)));

        Task<int> resumed = condition.WaitSlice(TimeSpan.FromSeconds(1), waiter, CancellationToken.None).AsTask();
        condition.Release(holder);

        Assert.Equal(WaitSliceOutcome.Notified, await resumed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(0, condition.FencingToken(waiter));
    }

    // The slice's timers run on the fake clock: move it on in small steps until the slice answers (bounded).
    private static async Task<int> AdvanceUntilAsync(FakeTimeProvider clock, Task<int> slice, TimeSpan step)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!slice.IsCompleted)
        {
            clock.Advance(step);
            await Task.Delay(5, deadline.Token);
        }

        return await slice;
    }
}
