using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>A timer fired by <see cref="ServerTimers"/>' dedicated thread rather than the thread pool.</summary>
/// <remarks>Same contract as a <see cref="TimeProvider.System"/> timer: a period of zero or infinite fires once; a callback may run once more after a change or disposal that races its firing.</remarks>
internal sealed class ServerTimer : ITimer
{
    private static readonly long s_maxMilliseconds = uint.MaxValue - 1;
    private static long s_nextId;

    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly bool _runInline;
    private readonly long _id = Interlocked.Increment(ref s_nextId);

    internal ServerTimer(TimerCallback callback, object? state, bool runInline)
    {
        _callback = callback;
        _state = state;
        _runInline = runInline;
    }

    /// <summary>Orders timers by due time, then by creation (every timer is distinct).</summary>
    public static IComparer<ServerTimer> DueOrder { get; } = Comparer<ServerTimer>.Create(static (a, b) =>
    {
        int byDue = a.DueTimestamp.CompareTo(b.DueTimestamp);
        return byDue != 0 ? byDue : a._id.CompareTo(b._id);
    });

    // The fields below change only under ServerTimers' lock.
    internal long DueTimestamp { get; set; }

    internal long PeriodTicks { get; set; }

    internal bool Disposed { get; set; }

    /// <exception cref="ArgumentOutOfRangeException">A time is negative (other than infinite) or too large.</exception>
    public bool Change(TimeSpan dueTime, TimeSpan period)
        => ServerTimers.Change(this, ToTicks(dueTime, nameof(dueTime)), ToTicks(period, nameof(period)));

    public void Dispose() => ServerTimers.Dispose(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal void Fire()
    {
        if (_runInline)
        {
            _callback(_state);
        }
        else
        {
            ServerScheduler.Shared.Queue(static s => s.callback(s.state), (callback: _callback, state: _state));
        }
    }

    /// <returns>Stopwatch ticks; -1 for infinite.</returns>
    private static long ToTicks(TimeSpan time, string name)
    {
        if (time == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)time.TotalMilliseconds, s_maxMilliseconds, name);
        return (long)(time.Ticks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));
    }
}
