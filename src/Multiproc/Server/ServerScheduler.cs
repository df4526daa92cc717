using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>
/// The manager's own threads: a FIFO of short work items (calls on built-in objects, control
/// calls, gate hand-offs, reply flushes, timer callbacks, disposals) run by a few dedicated
/// threads, so the server makes progress when every thread-pool thread is blocked by a caller.
/// </summary>
/// <remarks>
/// <para>An in-process manager shares its process's thread pool with its callers; a sync call
/// from a pool thread blocks that thread until the reply comes. If the server needed pool threads
/// to produce the reply, callers holding every pool thread would wait for the pool to inject more
/// (about one a second), or forever with the pool capped.</para>
/// <para>Up to <see cref="CoreThreads"/> threads start on demand and stay; a thread that runs out of
/// work spins briefly before it sleeps, as pool threads do. When work waits and no item has
/// finished for <see cref="StallTick"/> (every thread is stuck, say in a user's Dispose or a send
/// to a client that stopped reading), a sleeping thread is woken or one more starts, up to
/// <see cref="MaxThreads"/>; threads beyond the core leave after <see cref="IdleRetirement"/> idle.
/// Items run without the caller's execution context, like <see cref="ThreadPool.UnsafeQueueUserWorkItem(IThreadPoolWorkItem, bool)"/>;
/// an exception escaping an item ends the process, as it would on the pool.</para>
/// </remarks>
internal sealed class ServerScheduler
{
    private static readonly TimeSpan s_idleRetirement = TimeSpan.FromSeconds(5);
    private const int SpinCount = 40;

    [ThreadStatic]
    private static ServerScheduler? s_currentWorker;

    private readonly object _sync = new();
    private readonly Queue<IThreadPoolWorkItem> _work = new();
    private readonly ServerTimer _stallWatch;
    private int _threads;
    private int _idle;
    private int _wakesPending;
    private int _spinning;
    private int _spinClaims;
    private volatile int _queued;
    private long _finished;
    private long _finishedAtLastTick;
    private bool _watching;

    public ServerScheduler(int coreThreads, int maxThreads, TimeSpan stallTick)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coreThreads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, coreThreads);
        CoreThreads = coreThreads;
        MaxThreads = maxThreads;
        StallTick = stallTick;
        _stallWatch = ServerTimers.Create(static state => ((ServerScheduler)state!).CheckProgress(), this, runInline: true);
    }

    /// <summary>Gets the process-wide scheduler every manager hosted in this process uses.</summary>
    public static ServerScheduler Shared { get; } = new(Math.Clamp(Environment.ProcessorCount, 2, 4), 256, TimeSpan.FromMilliseconds(10));

    public int CoreThreads { get; }

    public int MaxThreads { get; }

    public TimeSpan StallTick { get; }

    public static TimeSpan IdleRetirement => s_idleRetirement;

    /// <summary>Gets how many threads are alive (for tests and diagnostics).</summary>
    public int ThreadCount
    {
        get
        {
            lock (_sync)
            {
                return _threads;
            }
        }
    }

    /// <summary>Queues <paramref name="work"/> to run on one of the server's threads, after the work queued before it has started.</summary>
    public void Queue(IThreadPoolWorkItem work) => Queue(work, preferLocal: false);

    /// <summary>Queues <paramref name="work"/> to run on one of the server's threads, after the work queued before it has started.</summary>
    /// <param name="work">The work.</param>
    /// <param name="preferLocal">
    /// Called from one of this scheduler's threads, let that thread run it when it is done with the
    /// current item rather than wake a sleeping one (a reply flush queued at the end of a call).
    /// </param>
    public void Queue(IThreadPoolWorkItem work, bool preferLocal)
    {
        bool startThread = false;
        lock (_sync)
        {
            _work.Enqueue(work);
            _queued = _work.Count;
            if (_spinning > _spinClaims)
            {
                // A thread that just finished is looking for work; it takes this without a wake-up.
                _spinClaims++;
            }
            else if (preferLocal && s_currentWorker == this)
            {
                // This thread takes it next; if it stays busy, the stall watch finds a thread.
                ArmStallWatch();
            }
            else if (_idle > _wakesPending)
            {
                _wakesPending++;
                Monitor.Pulse(_sync);
            }
            else if (_threads < CoreThreads)
            {
                _threads++;
                startThread = true;
            }
            else
            {
                ArmStallWatch();
            }
        }

        if (startThread)
        {
            StartThread();
        }
    }

    /// <summary>Queues <paramref name="action"/> with its state to run on one of the server's threads.</summary>
    public void Queue<TState>(Action<TState> action, TState state) => Queue(new ActionWork<TState>(action, state));

    private void StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "multiproc-server-worker" };
        thread.Start();
    }

    private void ArmStallWatch()
    {
        if (!_watching)
        {
            _watching = true;
            _finishedAtLastTick = _finished;
            _stallWatch.Change(StallTick, StallTick);
        }
    }

    private void Run()
    {
        s_currentWorker = this;
        while (Next() is { } work)
        {
            work.Execute();
            Interlocked.Increment(ref _finished);
        }
    }

    /// <returns>The next item, or null when this thread retires.</returns>
    private IThreadPoolWorkItem? Next()
    {
        IThreadPoolWorkItem? work;
        lock (_sync)
        {
            if (TryDequeue(out work))
            {
                return work;
            }

            _spinning++;
        }

        // In a stream of short items the next one usually comes within microseconds: spin briefly,
        // as pool threads do, before paying for a sleep and a wake-up.
        var spinner = default(SpinWait);
        while (_queued == 0 && spinner.Count < SpinCount)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_sync)
        {
            _spinning--;
            if (_spinClaims > 0)
            {
                _spinClaims--;
            }

            long idleSince = Stopwatch.GetTimestamp();
            while (!TryDequeue(out work))
            {
                if (_threads > CoreThreads && Stopwatch.GetElapsedTime(idleSince) >= s_idleRetirement)
                {
                    _threads--;
                    return null;
                }

                _idle++;
                Monitor.Wait(_sync, s_idleRetirement);
                _idle--;
                if (_wakesPending > 0)
                {
                    // Whichever waiter wakes takes the wake-up; each one looks at the queue first.
                    _wakesPending--;
                }
            }

            return work;
        }
    }

    /// <summary>Dequeues under the lock, keeping the count spinners read without it.</summary>
    private bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IThreadPoolWorkItem? work)
    {
        bool dequeued = _work.TryDequeue(out work);
        _queued = _work.Count;
        return dequeued;
    }

    /// <summary>
    /// Runs on the timer thread while work waits: when nothing has finished for a tick, wakes a
    /// sleeping thread or adds one (every thread is stuck, or the one that preferred the work is).
    /// </summary>
    private void CheckProgress()
    {
        bool startThread = false;
        lock (_sync)
        {
            long finished = Interlocked.Read(ref _finished);
            if (_work.Count == 0)
            {
                _watching = false;
                _stallWatch.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            if (finished == _finishedAtLastTick && _spinning <= _spinClaims)
            {
                if (_idle > _wakesPending)
                {
                    _wakesPending++;
                    Monitor.Pulse(_sync);
                }
                else if (_threads < MaxThreads)
                {
                    _threads++;
                    startThread = true;
                }
            }

            _finishedAtLastTick = finished;
        }

        if (startThread)
        {
            StartThread();
        }
    }

    /// <summary>A queued delegate with its state.</summary>
    private sealed class ActionWork<TState>(Action<TState> action, TState state) : IThreadPoolWorkItem
    {
        public void Execute() => action(state);
    }
}
