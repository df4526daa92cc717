namespace Multiproc.Tests.Processes;

/// <summary>Disposes a pool at the end of a test and asserts that every worker it had is gone.</summary>
internal sealed class PoolGuard : IAsyncDisposable
{
    private readonly ProcessPool _pool;

    private PoolGuard(ProcessPool pool)
    {
        _pool = pool;
    }

    public static PoolGuard For(ProcessPool pool) => new(pool);

    public async ValueTask DisposeAsync()
    {
        int[] pids = _pool.WorkerProcessIds;
        await _pool.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        ProcessProbe.AssertAllGone(pids);
    }
}
