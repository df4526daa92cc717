using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>
/// How long calls took on one manager, counted in fixed buckets since it started: what
/// <c>multiproc top</c> turns into percentiles (two looks a second apart, the difference).
/// </summary>
/// <remarks>
/// Buckets at 1, 2 and 5 × 10^k µs, from 1 µs to 100 s, plus one beyond: a percentile read from
/// them is the upper bound of its bucket, at most 2.5× above the true value, which is what a live
/// view needs. Recording is one interlocked increment; always on (the meter's histogram is only
/// timed while a listener has it enabled).
/// </remarks>
internal sealed class LatencyHistogram
{
    /// <summary>The buckets' upper bounds in microseconds; the last bucket has none.</summary>
    public static readonly double[] UpperBoundsMicroseconds = CreateBounds();

    private readonly long[] _counts = new long[UpperBoundsMicroseconds.Length + 1];

    public void Record(long startedTimestamp)
    {
        double microseconds = Stopwatch.GetElapsedTime(startedTimestamp).TotalMicroseconds;
        int bucket = Array.BinarySearch(UpperBoundsMicroseconds, microseconds);
        Interlocked.Increment(ref _counts[bucket >= 0 ? bucket : ~bucket]);
    }

    /// <summary>Gets the count of each bucket (the last one: above the largest bound).</summary>
    public long[] Snapshot()
    {
        long[] copy = new long[_counts.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Interlocked.Read(ref _counts[i]);
        }

        return copy;
    }

    private static double[] CreateBounds()
    {
        var bounds = new List<double>();
        for (double decade = 1; decade <= 100_000_000; decade *= 10)
        {
            bounds.Add(decade);
            bounds.Add(2 * decade);
            bounds.Add(5 * decade);
        }

        return [.. bounds];
    }
}
