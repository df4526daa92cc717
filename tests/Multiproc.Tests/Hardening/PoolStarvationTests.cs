using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Issue 7 item 8: an in-process server never waits for a free thread-pool thread. Before, with
/// callers blocking every pool thread, gate hand-offs, non-inline calls, granted waits, wait
/// timeouts and reply flushes all sat in the pool's queue (seconds per round uncapped; forever capped).
/// </summary>
[Trait("Kind", "Process")]
public class PoolStarvationTests
{
    [Fact(Timeout = 60_000)]
    public async Task InProcessManager_EveryPoolThreadBlockedByCallers_CallsStillFinish()
    {
        // The peer caps its pool at four threads and blocks all of them in sync calls: contention on
        // one dictionary, takes granted by another connection's put, a timed take that expires, a
        // lock handed between blocked callers. The old code printed "stuck: ..." after 20 s.
        using PeerProcess peer = PeerProcess.Start("pool-starved", "20");
        CancellationToken timeout = TestTimeout.Token(45);
        string line = await peer.ReadLineAsync(timeout);
        Assert.True(line.StartsWith("finished in", StringComparison.Ordinal), line);
        Assert.Equal(0, await peer.WaitForExitAsync(timeout));
    }
}
