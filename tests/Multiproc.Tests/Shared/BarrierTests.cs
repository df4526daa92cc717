using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class BarrierTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task SignalAndWait_ThreeConnections_ReleasesAllWithThePhase()
    {
        ISharedBarrier barrier = await _manager.CreateBarrierAsync(3);
        await using OtherProcess first = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess second = await OtherProcess.ConnectAsync(_manager);
        ISharedBarrier firstBarrier = await first.GetAsync(barrier);
        ISharedBarrier secondBarrier = await second.GetAsync(barrier);

        for (long phase = 0; phase < 3; phase++)
        {
            Task<long> a = firstBarrier.SignalAndWaitAsync(TestTimeout.Token());
            Task<long> b = Task.Factory.StartNew(() => secondBarrier.SignalAndWait(), TaskCreationOptions.LongRunning);
            Assert.True(await barrier.SignalAndWaitAsync(TimeSpan.FromSeconds(15), TestTimeout.Token()));
            Assert.Equal([phase, phase], await Task.WhenAll(a, b).WaitAsync(TestTimeout.Token()));
        }

        Assert.Equal(3, barrier.CurrentPhaseNumber);
        Assert.Equal(3, barrier.ParticipantCount);
        Assert.Equal(3, barrier.ParticipantsRemaining);
        Assert.False(barrier.IsBroken);
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitingParticipant_ConnectionDies_OthersGetBarrierPostPhaseException()
    {
        ISharedBarrier barrier = await _manager.CreateBarrierAsync(3);
        OtherProcess doomed = await OtherProcess.ConnectAsync(_manager);
        ISharedBarrier doomedBarrier = await doomed.GetAsync(barrier);
        Task<long> doomedWait = doomedBarrier.SignalAndWaitAsync();
        Task<long> survivorWait = barrier.SignalAndWaitAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(barrier.ParticipantsRemaining == 1));

        await doomed.DieAsync();

        await Assert.ThrowsAsync<BarrierPostPhaseException>(() => survivorWait.WaitAsync(TestTimeout.Token()));
        await Assert.ThrowsAsync<ManagerUnavailableException>(() => doomedWait);
        Assert.True(barrier.IsBroken);
        Assert.Throws<BarrierPostPhaseException>(() => barrier.SignalAndWait());
    }

    [Fact(Timeout = 20_000)]
    public async Task ParticipantOfAnEarlierPhase_ConnectionDies_BreaksTheBarrier_UntilReset()
    {
        ISharedBarrier barrier = await _manager.CreateBarrierAsync(2);
        OtherProcess doomed = await OtherProcess.ConnectAsync(_manager);
        ISharedBarrier doomedBarrier = await doomed.GetAsync(barrier);
        Task<long> doomedPhase = doomedBarrier.SignalAndWaitAsync(TestTimeout.Token());
        Assert.Equal(0, barrier.SignalAndWait());
        Assert.Equal(0, await doomedPhase);
        Task<long> waiting = barrier.SignalAndWaitAsync(TestTimeout.Token());
        await TestTimeout.UntilAsync(() => Task.FromResult(barrier.ParticipantsRemaining == 1));

        await doomed.DieAsync();

        await Assert.ThrowsAsync<BarrierPostPhaseException>(() => waiting.WaitAsync(TestTimeout.Token()));
        barrier.Reset();
        Assert.False(barrier.IsBroken);
        Assert.False(barrier.SignalAndWait(TimeSpan.Zero));
    }

    [Fact(Timeout = 20_000)]
    public async Task SignalAndWait_Timeout_ReturnsFalse_AndWithdrawsTheSignal()
    {
        ISharedBarrier barrier = await _manager.CreateBarrierAsync(2);
        Assert.False(barrier.SignalAndWait(TimeSpan.FromMilliseconds(50)));
        Assert.False(await barrier.SignalAndWaitAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));
        Assert.Equal(2, barrier.ParticipantsRemaining);
        Assert.Equal(0, barrier.CurrentPhaseNumber);

        using var cts = new CancellationTokenSource();
        Task<long> cancelled = barrier.SignalAndWaitAsync(cts.Token);
        await TestTimeout.UntilAsync(() => Task.FromResult(barrier.ParticipantsRemaining == 1));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TestTimeout.Token()));
        Assert.Equal(2, barrier.ParticipantsRemaining);
    }
}
