using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>Issue 7 item 8: the server's own threads (work queue, timer thread) and what runs on them.</summary>
public class ServerSchedulerTests
{
    [Fact(Timeout = 20_000)]
    public async Task Queue_EveryThreadStuck_AddsAThread()
    {
        var scheduler = new ServerScheduler(coreThreads: 1, maxThreads: 4, TimeSpan.FromMilliseconds(10));
        using var stuck = new ManualResetEventSlim();
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        scheduler.Queue(static s => s.Wait(TestTimeout.Token()), stuck);
        scheduler.Queue(static r => r.SetResult(Thread.CurrentThread.IsThreadPoolThread), ran);

        Assert.False(await ran.Task.WaitAsync(TestTimeout.Token()));
        Assert.Equal(2, scheduler.ThreadCount);
        stuck.Set();
    }

    [Fact(Timeout = 20_000)]
    public async Task ServerClock_SystemTimer_FiresOffThePool()
    {
        TimeProvider clock = ServerClock.For(TimeProvider.System);
        var fired = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using ITimer timer = clock.CreateTimer(static f => ((TaskCompletionSource<bool>)f!).TrySetResult(Thread.CurrentThread.IsThreadPoolThread), fired, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);

        Assert.False(await fired.Task.WaitAsync(TestTimeout.Token()));
    }

    [Fact]
    public void ServerClock_OtherProvider_IsUsedAsItIs()
    {
        var fake = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        Assert.Same(fake, ServerClock.For(fake));
    }

    [Fact(Timeout = 20_000)]
    public async Task ServerTimer_ChangedOrDisposed_DoesNotFire_PeriodicFiresAgain()
    {
        int stale = 0;
        using ServerTimer disposed = ServerTimers.Create(_ => Interlocked.Increment(ref stale), null, runInline: true);
        using ServerTimer stopped = ServerTimers.Create(_ => Interlocked.Increment(ref stale), null, runInline: true);
        disposed.Change(TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        stopped.Change(TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        stopped.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.False(disposed.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));

        // Inline timers fire in due order on the one timer thread: once the later periodic timer
        // has fired twice, the two earlier ones would have fired before it.
        int ticks = 0;
        var twice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using ServerTimer periodic = ServerTimers.Create(_ =>
        {
            if (Interlocked.Increment(ref ticks) == 2)
            {
                twice.SetResult();
            }
        }, null, runInline: true);
        periodic.Change(TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(10));

        await twice.Task.WaitAsync(TestTimeout.Token());
        periodic.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Equal(0, Volatile.Read(ref stale));
        Assert.Throws<ArgumentOutOfRangeException>(() => periodic.Change(TimeSpan.FromMilliseconds(-2), Timeout.InfiniteTimeSpan));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitQueue_GrantedOrTimedOut_ResumesOnAServerThread()
    {
        var gate = new Lock();
        var queue = new WaitQueue<int>(WaitKinds.Lock, gate, ServerClock.For(TimeProvider.System));
        Waiter<int> granted;
        Waiter<int> timing;
        lock (gate)
        {
            granted = queue.Enqueue(owner: 1);
            timing = queue.Enqueue(owner: 2);
        }

        Task<bool> grantedOnPool = ResumedOnPool(queue.WaitAsync(granted, Timeout.InfiniteTimeSpan, default));
        Task<bool> timedOutOnPool = ResumedOnPool(queue.WaitAsync(timing, TimeSpan.FromMilliseconds(30), default));
        lock (gate)
        {
            queue.Dequeue()!.TrySetResult(5);
        }

        // Before: the grant's continuation, and the timeout itself, ran on the thread pool.
        Assert.False(await grantedOnPool.WaitAsync(TestTimeout.Token()));
        Assert.False(await timedOutOnPool.WaitAsync(TestTimeout.Token()));
    }

    /// <summary>Reports where the rest of the wait ran: the continuation runs on the thread that completed the wait.</summary>
    private static Task<bool> ResumedOnPool(ValueTask<(bool Granted, int Value)> wait)
        => wait.AsTask().ContinueWith(_ => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
