namespace Multiproc.Proxies.BuiltIns;

/// <summary>
/// A blocking call served as repeated bounded waits: each attempt waits on the host at most the
/// channel's <see cref="ICallChannel.MaxWaitSlice"/>, and attempts repeat until one is done or the
/// caller's own timeout has passed.
/// </summary>
/// <remarks>
/// For backends whose calls cannot outlast a fixed timeout (an Orleans grain call's response
/// timeout): a queue take or a lock acquire of a minute becomes many short waits, each of which
/// leaves nothing behind when it ends empty. With no slice limit (a manager's socket) the wait is
/// one call with the caller's timeout, unchanged.
/// <para>A wait whose retry is harmless (a queue take, whose items a lost reply leaves unacknowledged, so they
/// come back; an event wait; a join) may ask for an attempt that fails with <see cref="ManagerUnavailableException"/>
/// to be repeated: on a cluster the object comes back on another silo after its own dies. The repeats pause
/// 0.25 s, doubling to 2 s, for at most <see cref="FailoverWindow"/> of consecutive failures and never beyond
/// the caller's timeout; then the failure is thrown.</para>
/// </remarks>
internal static class SlicedWait
{
    /// <summary>How long consecutive unavailable attempts are repeated before the wait fails.</summary>
    public static readonly TimeSpan FailoverWindow = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan s_firstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_longestPause = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="attempt"/> with slices of <paramref name="timeout"/> until <paramref name="isDone"/> or the time is up.</summary>
    /// <param name="timeout">The caller's timeout; <see cref="Timeout.InfiniteTimeSpan"/> waits until done.</param>
    /// <param name="maxSlice">The longest one attempt may wait; null for one attempt with the whole timeout.</param>
    /// <param name="clock">Measures the time spent.</param>
    /// <param name="attempt">Waits at most its argument on the host and returns what it got.</param>
    /// <param name="isDone">Whether an attempt's result ends the wait (it got something).</param>
    /// <param name="retryUnavailable">Whether an attempt that failed as unavailable may be repeated now (null: never).</param>
    /// <returns>The first result that is done, or the last attempt's when the time ran out.</returns>
    /// <exception cref="ManagerUnavailableException">An attempt failed so, and may not be repeated (or failed so for too long).</exception>
    public static async Task<T> RunAsync<T>(TimeSpan timeout, TimeSpan? maxSlice, TimeProvider clock, Func<TimeSpan, Task<T>> attempt, Func<T, bool> isDone, Func<bool>? retryUnavailable = null)
    {
        if (maxSlice is not { } slice || (timeout != Timeout.InfiniteTimeSpan && timeout <= slice))
        {
            return await attempt(timeout).ConfigureAwait(false);
        }

        long start = clock.GetTimestamp();
        var failures = new Failures(clock);
        while (true)
        {
            TimeSpan next = NextSlice(timeout, slice, clock.GetElapsedTime(start), out bool last);
            T result;
            try
            {
                result = await attempt(next).ConfigureAwait(false);
            }
            catch (ManagerUnavailableException) when (!last && retryUnavailable?.Invoke() == true && failures.MayRepeat())
            {
                await Task.Delay(failures.NextPause()).ConfigureAwait(false);
                continue;
            }

            failures.Clear();
            if (last || isDone(result))
            {
                return result;
            }
        }
    }

    /// <summary>The synchronous form of <see cref="RunAsync{T}"/>.</summary>
    public static T Run<T>(TimeSpan timeout, TimeSpan? maxSlice, TimeProvider clock, Func<TimeSpan, T> attempt, Func<T, bool> isDone, Func<bool>? retryUnavailable = null)
    {
        if (maxSlice is not { } slice || (timeout != Timeout.InfiniteTimeSpan && timeout <= slice))
        {
            return attempt(timeout);
        }

        long start = clock.GetTimestamp();
        var failures = new Failures(clock);
        while (true)
        {
            TimeSpan next = NextSlice(timeout, slice, clock.GetElapsedTime(start), out bool last);
            T result;
            try
            {
                result = attempt(next);
            }
            catch (ManagerUnavailableException) when (!last && retryUnavailable?.Invoke() == true && failures.MayRepeat())
            {
                // A blocking wait pauses its own thread, as its attempts block it.
                Thread.Sleep(failures.NextPause());
                continue;
            }

            failures.Clear();
            if (last || isDone(result))
            {
                return result;
            }
        }
    }

    private static TimeSpan NextSlice(TimeSpan timeout, TimeSpan slice, TimeSpan elapsed, out bool last)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            last = false;
            return slice;
        }

        TimeSpan left = timeout - elapsed;
        last = left <= slice;
        return last ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : slice;
    }

    /// <summary>A run of attempts that failed as unavailable: since when, and the next pause.</summary>
    private sealed class Failures(TimeProvider clock)
    {
        private long? _since;
        private TimeSpan _pause = s_firstPause;

        /// <summary>Notes a failure; returns whether the run is still within <see cref="FailoverWindow"/>.</summary>
        public bool MayRepeat()
        {
            _since ??= clock.GetTimestamp();
            return clock.GetElapsedTime(_since.Value) < FailoverWindow;
        }

        public TimeSpan NextPause()
        {
            TimeSpan pause = _pause;
            _pause = _pause * 2 < s_longestPause ? _pause * 2 : s_longestPause;
            return pause;
        }

        public void Clear()
        {
            _since = null;
            _pause = s_firstPause;
        }
    }
}
