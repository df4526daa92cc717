using Microsoft.Extensions.Time.Testing;
using Multiproc.Proxies.BuiltIns;

namespace Multiproc.Tests.Seams;

/// <summary>Sliced waits: a long wait as repeated bounded attempts, on a fake clock.</summary>
public sealed class SlicedWaitTests
{
    [Fact]
    public void NoSliceLimit_OneAttemptWithTheWholeTimeout()
    {
        var asked = new List<TimeSpan>();

        bool got = SlicedWait.Run(TimeSpan.FromMinutes(1), null, new FakeTimeProvider(), slice => { asked.Add(slice); return false; }, done => done);

        Assert.False(got);
        Assert.Equal([TimeSpan.FromMinutes(1)], asked);
    }

    [Fact]
    public void NothingArrives_SlicesAddUpToTheCallersTimeout_TheLastOneShort()
    {
        var clock = new FakeTimeProvider();
        var asked = new List<TimeSpan>();

        bool got = SlicedWait.Run(TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1), clock, slice =>
        {
            asked.Add(slice);
            clock.Advance(slice);
            return false;
        }, done => done);

        Assert.False(got);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5)], asked);
    }

    [Fact]
    public async Task InfiniteTimeout_RepeatsUntilAnAttemptGetsSomething()
    {
        var clock = new FakeTimeProvider();
        int attempts = 0;

        int got = await SlicedWait.RunAsync(Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(10), clock, slice =>
        {
            Assert.Equal(TimeSpan.FromSeconds(10), slice);
            clock.Advance(slice);
            return Task.FromResult(++attempts == 5 ? 42 : 0);
        }, value => value != 0);

        Assert.Equal(42, got);
        Assert.Equal(5, attempts);
    }

    [Fact(Timeout = 10_000)]
    public async Task UnavailableAttempt_WhenARepeatIsAllowed_IsRepeatedUntilTheObjectAnswersAgain()
    {
        int attempts = 0;

        bool got = await SlicedWait.RunAsync(Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(10), new FakeTimeProvider(), slice =>
            ++attempts < 3 ? throw new ManagerUnavailableException("The silo died.") : Task.FromResult(true), done => done, () => true);

        Assert.True(got);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public void UnavailableAttempt_WithoutARepeat_OrFailingForLongerThanTheFailoverWindow_Throws()
    {
        var clock = new FakeTimeProvider();
        int attempts = 0;

        Assert.Throws<ManagerUnavailableException>(() => SlicedWait.Run<bool>(Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(10), clock, slice =>
            throw new ManagerUnavailableException("The manager is gone."), done => done));
        Assert.Throws<ManagerUnavailableException>(() => SlicedWait.Run<bool>(Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(10), clock, slice =>
        {
            attempts++;
            clock.Advance(SlicedWait.FailoverWindow / 2);
            throw new ManagerUnavailableException("The silo died.");
        }, done => done, () => true));
        Assert.Equal(3, attempts);
    }
}
