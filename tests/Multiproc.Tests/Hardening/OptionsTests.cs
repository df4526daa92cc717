using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>Issue 7 item 0: options are validated when set, snapshotted at start, and time goes through a TimeProvider.</summary>
public class OptionsTests
{
    [Fact]
    public void ManagerOptions_BadValues_ThrowInTheSetter()
    {
        var options = new ManagerOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxFrameSize = 1023);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxPendingCallsPerConnection = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HandshakeTimeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.HandshakeTimeout = TimeSpan.FromHours(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Hosting = (ManagerHosting)7);
        Assert.Throws<ArgumentException>(() => options.AuthKey = new byte[15]);
        Assert.Throws<ArgumentNullException>(() => options.TimeProvider = null!);
        // Nothing was changed by the refused values.
        Assert.Equal(64 * 1024 * 1024, options.MaxFrameSize);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Null(options.AuthKey);
    }

    [Fact]
    public void ConnectOptions_BadValues_ThrowInTheSetter()
    {
        var options = new ConnectOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ConnectTimeout = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.LivenessTimeout = TimeSpan.FromMilliseconds(50));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxFrameSize = 10);
        Assert.Throws<ArgumentNullException>(() => options.TimeProvider = null!);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ConnectTimeout);
    }

    [Fact(Timeout = 20_000)]
    public async Task StartAsync_OptionsChangedAfterStart_DoNotReachTheServer()
    {
        ManagerOptions options = TestOptions.Create();
        options.MaxFrameSize = 1 << 20;
        await using Manager manager = await Manager.StartAsync(options, TestTimeout.Token());
        options.MaxFrameSize = 4096;
        options.AuthKey = new byte[16];

        ISharedList<byte[]> list = await manager.CreateListAsync<byte[]>(cancellationToken: TestTimeout.Token());
        list.Add(new byte[64 * 1024]);   // over the later 4096, under the snapshot's 1 MiB
        Assert.Equal(1, list.Count);
        Assert.Equal(1 << 20, manager.OwnedServer!.Host.Settings.MaxFrameSize);
        Assert.NotEqual(new byte[16], manager.AuthKey.ToArray());
    }

    [Fact(Timeout = 20_000)]
    public async Task QueueWait_FakeClock_ExpiresWhenTheClockAdvances()
    {
        var clock = new FakeTimeProvider();
        ManagerOptions options = TestOptions.Create();
        options.TimeProvider = clock;
        await using Manager manager = await Manager.StartAsync(options, TestTimeout.Token());
        ISharedQueue<int> queue = await manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token());

        Task<(bool, int)> take = queue.TryTakeAsync(TimeSpan.FromHours(1), TestTimeout.Token());
        var server = ServerObjects.Get<Multiproc.Server.BuiltIns.SharedQueueServer>(manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(server.Waiting.Takers == 1));
        Assert.False(take.IsCompleted);

        // The waiter is queued before its timer is created: advance until the timer has seen the hour pass.
        await TestTimeout.UntilAsync(() =>
        {
            clock.Advance(TimeSpan.FromHours(1));
            return Task.FromResult(take.IsCompleted);
        });
        (bool taken, _) = await take.WaitAsync(TestTimeout.Token());
        Assert.False(taken);
    }

    [Fact(Timeout = 20_000)]
    public async Task ConnectAsync_PeerThatNeverAnswers_FailsWithinTheConnectTimeout()
    {
        // A listener that never accepts: the kernel completes the connect, then nothing is ever said.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(1);
        int port = ((IPEndPoint)silent.LocalEndPoint!).Port;
        var connectOptions = new ConnectOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) };

        var started = System.Diagnostics.Stopwatch.StartNew();
        ManagerUnavailableException error = await Assert.ThrowsAsync<ManagerUnavailableException>(() =>
            Manager.ConnectAsync($"tcp://127.0.0.1:{port}", new byte[32], connectOptions, TestTimeout.Token()));
        Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
    }
}
