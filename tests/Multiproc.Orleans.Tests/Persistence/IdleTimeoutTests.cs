using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Multiproc.Orleans.Grains;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// A type's idle timeout (<see cref="MultiprocSiloOptions.IdleTimeout{TInterface}(TimeSpan)"/>), the cluster's stand-in
/// for reference counts: an object with no call for the timeout is deleted; calls, and a call longer than the timeout,
/// keep it.
/// </summary>
public sealed class IdleTimeoutTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task AnObjectWithNoCallForItsIdleTimeout_IsDeleted_AndItsProxySaysItExpired()
    {
        IScratchpad pad = await cluster.Manager.CreateAsync<IScratchpad>([], TestTimeout.Token());
        Assert.Equal(1, pad.Add(1));
        var sinceLastCall = Stopwatch.StartNew();

        // Asking the grain its type is not a call on the object: it does not restart the clock.
        await WaitUntilGoneAsync(pad, TestTimeout.Token(20));

        Assert.InRange(sinceLastCall.Elapsed, ClusterFixture.IdleTimeout, TimeSpan.FromSeconds(20));
        KeyNotFoundException gone = Assert.Throws<KeyNotFoundException>(() => pad.Add(1));
        Assert.Contains("idle timeout", gone.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task CallsMoreOftenThanTheIdleTimeout_KeepTheObject()
    {
        IScratchpad pad = await cluster.Manager.CreateAsync<IScratchpad>([], TestTimeout.Token());
        var running = Stopwatch.StartNew();
        var sinceCallStarted = Stopwatch.StartNew();
        int total = 0;
        while (running.Elapsed < 3 * ClusterFixture.IdleTimeout)
        {
            // From the start of the previous call to the answer of this one: at least what the object saw without a call.
            TimeSpan sincePrevious = sinceCallStarted.Elapsed;
            sinceCallStarted.Restart();
            try
            {
                total = pad.Add(1);
            }
            catch (KeyNotFoundException gone) when (gone.Message.Contains("idle timeout", StringComparison.Ordinal))
            {
                // Deleted: only right if the calls really stopped for a whole timeout (a machine so loaded that the
                // test's own thread stalled; two CI runs at once did it once). Then this run proves nothing more.
                TimeSpan gap = sincePrevious + sinceCallStarted.Elapsed;
                Assert.True(gap >= ClusterFixture.IdleTimeout, $"Deleted with calls {gap} apart, under its idle timeout of {ClusterFixture.IdleTimeout}.");
                return;
            }

            await Task.Delay(ClusterFixture.IdleTimeout / 8, TestTimeout.Token());
        }

        Assert.Equal(total + 1, pad.Add(1));
    }

    [Fact(Timeout = 30_000)]
    public async Task ACallLongerThanTheIdleTimeout_KeepsTheObject_AndTheClockStartsWhenItEnds()
    {
        IScratchpad pad = await cluster.Manager.CreateAsync<IScratchpad>([], TestTimeout.Token());
        using var release = new CancellationTokenSource();
        Task held = pad.HoldAsync(release.Token);
        var holding = Stopwatch.StartNew();

        // Time passing is what is under test: twice the timeout, with the check running every quarter of it.
        while (holding.Elapsed < 2 * ClusterFixture.IdleTimeout)
        {
            Assert.NotNull(await TypeIdAsync(pad));
            await Task.Delay(ClusterFixture.IdleTimeout / 8, TestTimeout.Token());
        }

        await release.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(TestTimeout.Token()));
        Assert.Equal(1, pad.Add(1));
    }

    [Fact]
    public void AnIdleTimeoutOnAWaitingBuiltIn_IsRefused_SayingWhy()
    {
        ArgumentException refused = Assert.Throws<ArgumentException>(() => new SiloBuilderStub().UseMultiproc(
            options => options.Register<IScratchpad, Scratchpad>(),
            cluster => cluster.IdleTimeout(BuiltInTypes.Queue, TimeSpan.FromMinutes(1))));

        Assert.Contains("waiting built-in", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdleTimeoutUnderOneSecond_IsRefused()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new MultiprocSiloOptions().IdleTimeout<IScratchpad>(TimeSpan.FromMilliseconds(500)));

    private Task<string?> TypeIdAsync(IScratchpad pad)
        => cluster.Cluster.Client.GetGrain<ISharedObjectGrain>(SharedObject.FromProxy(pad).ObjectId).GetTypeIdAsync();

    private async Task WaitUntilGoneAsync(IScratchpad pad, CancellationToken cancellationToken)
    {
        while (await TypeIdAsync(pad) is not null)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private sealed class SiloBuilderStub : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}
