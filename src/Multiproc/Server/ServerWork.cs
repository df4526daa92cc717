namespace Multiproc.Server;

/// <summary>
/// Work the server schedules behind an object's gate or from a connection: a call or a disposal.
/// </summary>
/// <remarks>
/// The server's own work runs on <see cref="ServerScheduler.Shared"/>, so it never waits for a
/// thread-pool thread that a blocked caller holds. Only a user's method not known to be short (its
/// first call, or one that took over a millisecond) goes to the .NET thread pool: it may block or
/// run long, and the pool is where a user's blocking code is expected to run.
/// </remarks>
internal abstract class ServerWork : IThreadPoolWorkItem
{
    /// <summary>Gets whether this runs a user's method that may block, which belongs on the thread pool.</summary>
    protected virtual bool RunsOnThreadPool => false;

    public abstract void Execute();

    /// <summary>Queues the work where it belongs: a server thread, or the thread pool (see <see cref="RunsOnThreadPool"/>).</summary>
    public void Schedule()
    {
        if (RunsOnThreadPool)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            ServerScheduler.Shared.Queue(this);
        }
    }
}
