using Multiproc.Orleans.Silo;

namespace Multiproc.Orleans.Tests.Silo;

/// <summary>The turn gate alone, in one thread (as on its grain's scheduler): who passes, who waits, and in which order.</summary>
public sealed class TurnGateTests
{
    [Fact]
    public async Task EnterAsync_GateFree_PassesAtOnce_OtherCallersWaitInArrivalOrder()
    {
        var gate = new TurnGate();

        Task<TurnGate.Turn> first = gate.EnterAsync().AsTask();
        Task<TurnGate.Turn> second = gate.EnterAsync().AsTask();
        Task<TurnGate.Turn> third = gate.EnterAsync().AsTask();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
        (await first).Dispose();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        (await second).Dispose();
        (await third).Dispose();
        Assert.False(gate.IsHeld);
    }

    [Fact]
    public async Task EnterAsync_NestedInTheTurnHoldingTheGate_PassesAheadOfTheQueue_AndSoDoesACallNestedInIt()
    {
        var gate = new TurnGate();
        TurnGate.Turn outer = await gate.EnterAsync();
        Task<TurnGate.Turn> queued = gate.EnterAsync().AsTask();

        Task<TurnGate.Turn> nested = gate.EnterAsync(outer.Token).AsTask();
        Task<TurnGate.Turn> nestedInNested = gate.EnterAsync((await nested).Token).AsTask();

        Assert.True(nested.IsCompletedSuccessfully);
        Assert.True(nestedInNested.IsCompletedSuccessfully);
        (await nestedInNested).Dispose();
        (await nested).Dispose();
        Assert.False(queued.IsCompleted);
        outer.Dispose();
        Assert.True(queued.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task EnterAsync_TwoCallsNestedInOneTurn_TheSecondWaitsUntilTheFirstHasLeft_AheadOfTheQueue()
    {
        var gate = new TurnGate();
        TurnGate.Turn outer = await gate.EnterAsync();
        Task<TurnGate.Turn> queued = gate.EnterAsync().AsTask();

        Task<TurnGate.Turn> first = gate.EnterAsync(outer.Token).AsTask();
        Task<TurnGate.Turn> second = gate.EnterAsync(outer.Token).AsTask();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
        (await first).Dispose();
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(queued.IsCompleted);
        (await second).Dispose();
        outer.Dispose();
        Assert.True(queued.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task EnterAsync_TokenOfATurnThatEnded_WaitsAsAnyCaller()
    {
        var gate = new TurnGate();
        TurnGate.Turn ended = await gate.EnterAsync();
        long leftOver = ended.Token;
        ended.Dispose();
        TurnGate.Turn holder = await gate.EnterAsync();

        Task<TurnGate.Turn> late = gate.EnterAsync(leftOver).AsTask();

        Assert.False(late.IsCompleted);
        holder.Dispose();
        Assert.True(late.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Leave_ATurnEndsBelowANestedOne_CallsWaitingToNestInItQueueAsAnyCaller()
    {
        var gate = new TurnGate();
        TurnGate.Turn outer = await gate.EnterAsync();
        TurnGate.Turn nested = await gate.EnterAsync(outer.Token);
        Task<TurnGate.Turn> secondNested = gate.EnterAsync(outer.Token).AsTask();

        // The outer turn ends without waiting for its nested call (it did not await it).
        outer.Dispose();
        Assert.True(gate.IsHeld);
        Assert.False(secondNested.IsCompleted);
        nested.Dispose();
        Assert.True(secondNested.IsCompletedSuccessfully);
        (await secondNested).Dispose();
        Assert.False(gate.IsHeld);
    }
}
