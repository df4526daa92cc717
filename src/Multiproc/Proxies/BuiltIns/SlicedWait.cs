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
/// </remarks>
internal static class SlicedWait
{
    /// <summary>Runs <paramref name="attempt"/> with slices of <paramref name="timeout"/> until <paramref name="isDone"/> or the time is up.</summary>
    /// <param name="timeout">The caller's timeout; <see cref="Timeout.InfiniteTimeSpan"/> waits until done.</param>
    /// <param name="maxSlice">The longest one attempt may wait; null for one attempt with the whole timeout.</param>
    /// <param name="clock">Measures the time spent.</param>
    /// <param name="attempt">Waits at most its argument on the host and returns what it got.</param>
    /// <param name="isDone">Whether an attempt's result ends the wait (it got something).</param>
    /// <returns>The first result that is done, or the last attempt's when the time ran out.</returns>
    public static async Task<T> RunAsync<T>(TimeSpan timeout, TimeSpan? maxSlice, TimeProvider clock, Func<TimeSpan, Task<T>> attempt, Func<T, bool> isDone)
    {
        if (maxSlice is not { } slice || (timeout != Timeout.InfiniteTimeSpan && timeout <= slice))
        {
            return await attempt(timeout).ConfigureAwait(false);
        }

        long start = clock.GetTimestamp();
        while (true)
        {
            TimeSpan next = NextSlice(timeout, slice, clock.GetElapsedTime(start), out bool last);
            T result = await attempt(next).ConfigureAwait(false);
            if (last || isDone(result))
            {
                return result;
            }
        }
    }

    /// <summary>The synchronous form of <see cref="RunAsync{T}"/>.</summary>
    public static T Run<T>(TimeSpan timeout, TimeSpan? maxSlice, TimeProvider clock, Func<TimeSpan, T> attempt, Func<T, bool> isDone)
    {
        if (maxSlice is not { } slice || (timeout != Timeout.InfiniteTimeSpan && timeout <= slice))
        {
            return attempt(timeout);
        }

        long start = clock.GetTimestamp();
        while (true)
        {
            TimeSpan next = NextSlice(timeout, slice, clock.GetElapsedTime(start), out bool last);
            T result = attempt(next);
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
}
