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
}
