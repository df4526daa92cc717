using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>
/// The manager's timer thread: fires <see cref="ServerTimer"/>s without needing a thread-pool thread
/// (timers of <see cref="TimeProvider.System"/> fire on the pool).
/// </summary>
/// <remarks>
/// One process-wide thread, started with the first timer, waits for the earliest due time. A user
/// callback is queued to <see cref="ServerScheduler.Shared"/> (it may block); only the scheduler's own
/// stall check runs on this thread. Timers are kept in due order; changing or disposing one removes
/// it at once, so cancelled long timeouts leave nothing behind.
/// </remarks>
internal static class ServerTimers
{
    private static readonly object s_sync = new();
    private static readonly SortedSet<ServerTimer> s_due = new(ServerTimer.DueOrder);
    private static bool s_started;

    /// <summary>Creates a timer that is not yet started (see <see cref="ServerTimer.Change"/>).</summary>
    /// <param name="callback">What the timer runs.</param>
    /// <param name="state">Passed to <paramref name="callback"/>.</param>
    /// <param name="runInline">Run the callback on the timer thread itself (server code that never blocks).</param>
    public static ServerTimer Create(TimerCallback callback, object? state, bool runInline = false) => new(callback, state, runInline);

    /// <summary>Arms, re-arms or stops <paramref name="timer"/>; false if it was disposed.</summary>
    internal static bool Change(ServerTimer timer, long dueTicks, long periodTicks)
    {
        lock (s_sync)
        {
            if (timer.Disposed)
            {
                return false;
            }

            s_due.Remove(timer);
            timer.PeriodTicks = periodTicks;
            if (dueTicks < 0)
            {
                return true;
            }

            timer.DueTimestamp = Stopwatch.GetTimestamp() + dueTicks;
            s_due.Add(timer);
            if (!s_started)
            {
                s_started = true;
                var thread = new Thread(Run) { IsBackground = true, Name = "multiproc-server-timer" };
                thread.Start();
            }
            else if (ReferenceEquals(s_due.Min, timer))
            {
                // The thread may be sleeping until a later time.
                Monitor.Pulse(s_sync);
            }

            return true;
        }
    }

    internal static void Dispose(ServerTimer timer)
    {
        lock (s_sync)
        {
            timer.Disposed = true;
            s_due.Remove(timer);
        }
    }

    private static void Run()
    {
        while (true)
        {
            ServerTimer timer;
            lock (s_sync)
            {
                while (true)
                {
                    if (s_due.Min is not { } first)
                    {
                        Monitor.Wait(s_sync);
                        continue;
                    }

                    long now = Stopwatch.GetTimestamp();
                    if (first.DueTimestamp > now)
                    {
                        Monitor.Wait(s_sync, WaitMilliseconds(first.DueTimestamp - now));
                        continue;
                    }

                    timer = first;
                    s_due.Remove(first);
                    if (first.PeriodTicks > 0)
                    {
                        first.DueTimestamp = now + first.PeriodTicks;
                        s_due.Add(first);
                    }

                    break;
                }
            }

            // Outside the lock: the scheduler's stall check takes the scheduler's lock, and the
            // scheduler changes its timer while holding it.
            timer.Fire();
        }
    }

    private static int WaitMilliseconds(long ticks)
        => (int)Math.Min(int.MaxValue, Math.Ceiling(ticks * 1000.0 / Stopwatch.Frequency));
}
