using Microsoft.Extensions.Logging;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F3/F7: a connection the manager drops while its process lives (here: the process is frozen
/// with replies due, so it stalls) gives up its locks at once, and the process learns it on its
/// next call.
/// </summary>
[Trait("Kind", "Process")]
public sealed class DroppedConnectionTests
{
    // F3/F7: a frozen client with a reply due used to pin the reply, its thread and its lock forever.
    [Fact(Timeout = 90_000)]
    public async Task StalledClient_IsDropped_ItsLockIsReleased_AndItsNextCallThrows()
    {
        using var logs = new RecordingLoggerFactory();
        var options = new ManagerOptions { SendStallTimeout = TimeSpan.FromSeconds(1), LoggerFactory = logs };
        await using Manager manager = await Manager.StartAsync(options);
        using ISharedLock shared = await manager.CreateLockAsync();
        using ISharedQueue<byte[]> queue = await manager.CreateQueueAsync<byte[]>();
        await manager.PublishAsync("lock", shared);
        await manager.PublishAsync("queue", queue);

        using PeerProcess holder = PeerProcess.Start("hold-lock", manager.Address, Convert.ToHexString(manager.AuthKey.Span), "lock", "queue");
        Assert.Equal("locked", await holder.ReadLineAsync(TestTimeout.Token(40)));
        var queueServer = ServerObjects.Get<SharedQueueServer>(manager, queue);
        await TestTimeout.UntilAsync(() => Task.FromResult(queueServer.Waiting.Takers == 1), because: "the holder's take did not arrive");
        Assert.False(shared.TryAcquire(TimeSpan.Zero));

        Signals.Stop(holder.Id);
        try
        {
            // The frozen holder's take gets a reply far bigger than the socket buffers: it stalls.
            queue.Put(new byte[4 * 1024 * 1024]);
            Assert.True(await shared.TryAcquireAsync(TimeSpan.FromSeconds(20)), "the dropped connection's lock was not released");
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("took none", StringComparison.Ordinal));
        }
        finally
        {
            Signals.Continue(holder.Id);
        }

        // Thawed, the holder finds its connection gone: the take and its next call on the lock throw.
        Assert.Equal("ManagerUnavailableException ManagerUnavailableException", await holder.ReadLineAsync(TestTimeout.Token(30)));
        Assert.Equal(0, await holder.WaitForExitAsync(TestTimeout.Token(30)));
        shared.Release();
        Assert.Equal(1, (await manager.GetStatsAsync()).ConnectionCount);
    }
}
