namespace Multiproc.Cli;

/// <summary>
/// One frame of <c>multiproc top</c>: what changed between two inspections of a manager taken an
/// interval apart (calls per second, latency percentiles of the calls in between, the busiest
/// objects in between) and what stands now (connections, objects).
/// </summary>
internal sealed record ActivityFrame(
    double CallsPerSecond,
    double ErrorsPerSecond,
    double? P50Microseconds,
    double? P90Microseconds,
    double? P99Microseconds,
    int Connections,
    int Objects,
    IReadOnlyList<(InspectedObject Object, double CallsPerSecond)> Busiest,
    ManagerInspection Now)
{
    public static ActivityFrame Between(ManagerInspection before, ManagerInspection after, TimeSpan interval)
    {
        double seconds = Math.Max(interval.TotalSeconds, 1e-3);
        long calls = after.Members.Sum(m => m.Calls) - before.Members.Sum(m => m.Calls);
        long errors = after.Members.Sum(m => m.Errors) - before.Members.Sum(m => m.Errors);
        long[] latency = [.. after.Latency.Select((bucket, i) => bucket.Count - (i < before.Latency.Count ? before.Latency[i].Count : 0))];
        var earlier = before.BusiestObjects.ToDictionary(o => o.ObjectId, o => o.Calls);
        (InspectedObject, double)[] busiest = [.. after.BusiestObjects
            .Select(o => (o, (o.Calls - earlier.GetValueOrDefault(o.ObjectId)) / seconds))
            .Where(pair => pair.Item2 > 0)
            .OrderByDescending(pair => pair.Item2)
            .Take(10)];
        return new ActivityFrame(
            calls / seconds,
            errors / seconds,
            Percentile(after.Latency, latency, 0.50),
            Percentile(after.Latency, latency, 0.90),
            Percentile(after.Latency, latency, 0.99),
            after.Connections.Count,
            after.ObjectsByType.Values.Sum(),
            busiest,
            after);
    }

    /// <summary>The upper bound of the bucket holding quantile <paramref name="q"/> of the calls in between; null when none ran (or it is in the last, unbounded bucket).</summary>
    private static double? Percentile(IReadOnlyList<LatencyBucket> buckets, long[] counts, double q)
    {
        long total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= q * total)
            {
                return buckets[i].UpperBoundMicroseconds;
            }
        }

        return null;
    }
}
