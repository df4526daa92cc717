using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Shared;

public abstract class EventTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Set_WakesWaitersOnEveryConnection()
    {
        ISharedEvent ev = await _manager.CreateEventAsync();
        await using OtherProcess first = await OtherProcess.ConnectAsync(_manager);
        await using OtherProcess second = await OtherProcess.ConnectAsync(_manager);
        ISharedEvent firstEvent = await first.GetAsync(ev);
        ISharedEvent secondEvent = await second.GetAsync(ev);
        Task asyncWaiter = firstEvent.WaitAsync(TestTimeout.Token());
        Task<bool> blockingWaiter = Task.Factory.StartNew(() => secondEvent.Wait(TimeSpan.FromSeconds(15)), TaskCreationOptions.LongRunning);

        ev.Set();

        await asyncWaiter.WaitAsync(TestTimeout.Token());
        Assert.True(await blockingWaiter.WaitAsync(TestTimeout.Token()));
        Assert.True(secondEvent.IsSet);
        secondEvent.Wait();
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitAsync_CancelledRightAfterTheCall_AlwaysEnds_AndLeavesNoWaiter()
    {
        ISharedEvent ev = await _manager.CreateEventAsync();
        await Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                using var cts = new CancellationTokenSource();
                Task waiting = ev.WaitAsync(cts.Token);
                cts.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeout.Token(5)));
            }
        });

        ev.Set();
        Assert.True(ev.Wait(TimeSpan.Zero));
    }

    [Fact(Timeout = 20_000)]
    public async Task Wait_NotSetWithinTheTimeout_ReturnsFalse()
    {
        ISharedEvent ev = await _manager.CreateEventAsync(initialState: true);
        Assert.True(ev.IsSet);
        Assert.True(ev.Wait(TimeSpan.Zero));
        ev.Clear();
        Assert.False(ev.IsSet);
        Assert.False(ev.Wait(TimeSpan.Zero));
        Assert.False(ev.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.False(await ev.WaitAsync(TimeSpan.FromMilliseconds(50), TestTimeout.Token()));

        using var cts = new CancellationTokenSource();
        Task waiting = ev.WaitAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestTimeout.Token()));
    }
}
