using System.Diagnostics;

namespace Multiproc.Server.Dispatch;

/// <summary>
/// Decides, per method, whether calls may run on the connection's reader thread instead of the
/// thread pool, from how long the method has actually taken.
/// </summary>
/// <remarks>
/// Running a short method inline saves a thread hop (the dominant cost of a small call) and lets
/// replies of one batch leave in one send. A method starts on the pool; once a call has finished
/// under 100 µs it runs inline; a single inline call over 1 ms sends it back to the pool for good, so a method that blocks can stall
/// its connection's other calls at most once.
/// </remarks>
internal sealed class InlinePolicy
{
    private static readonly TimeSpan s_fastThreshold = TimeSpan.FromMicroseconds(100);
    private static readonly TimeSpan s_slowThreshold = TimeSpan.FromMilliseconds(1);

    private const int Unknown = 0;
    private const int Fast = 1;
    private const int Slow = 2;

    private int _state;

    public bool RunsInline => Volatile.Read(ref _state) == Fast;

    public void MarkSlow() => Volatile.Write(ref _state, Slow);

    public void Record(long startTimestamp)
    {
        TimeSpan elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        int state = Volatile.Read(ref _state);
        if (state == Unknown && elapsed < s_fastThreshold)
        {
            Interlocked.CompareExchange(ref _state, Fast, Unknown);
        }
        else if (state == Fast && elapsed > s_slowThreshold)
        {
            Volatile.Write(ref _state, Slow);
        }
    }
}
