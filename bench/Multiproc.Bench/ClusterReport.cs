using System.Globalization;

namespace Multiproc.Bench;

/// <summary>Prints the cluster comparison as a Markdown table, then issue 12's targets as pass/fail lines.</summary>
internal static class ClusterReport
{
    /// <summary>Prints the table and the targets; returns whether every target that could be measured was met.</summary>
    /// <param name="rows">The rows, measured.</param>
    /// <param name="rounds">How many rounds were measured.</param>
    /// <param name="seconds">How long each figure was measured.</param>
    /// <param name="persistedSkipped">Why the persisted rows were not run, or null.</param>
    /// <param name="echoInvalid">Why the echo grain's route differs from the cluster row's, or null: its targets then count as failed.</param>
    public static bool Print(IReadOnlyList<Row> rows, int rounds, double seconds, string? persistedSkipped, string? echoInvalid)
    {
        var invariant = CultureInfo.InvariantCulture;
        Row echo = rows.Single(r => r.Key == "echo");
        Row single = rows.Single(r => r.Key == "single");
        Console.WriteLine();
        Console.WriteLine(string.Create(invariant, $"One object, 2 silo processes per cluster (localhost clustering), client in this process; median of {rounds} interleaved rounds of {seconds:F1} s per figure (min–max)."));
        Console.WriteLine();
        Console.WriteLine("| one object | where | sync call µs | ÷ echo | 64 concurrent calls/s | × echo | × single manager |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (Row row in rows)
        {
            double sync = Measure.Median(row.SyncMicroseconds);
            double concurrent = Measure.Median(row.CallsPerSecond);
            Console.WriteLine(string.Create(invariant,
                $"| {row.Label} | {row.Where} | {sync:F1} ({row.SyncMicroseconds.Min():F1}–{row.SyncMicroseconds.Max():F1}) | {sync / Measure.Median(echo.SyncMicroseconds):F2} | {concurrent:N0} ({row.CallsPerSecond.Min():N0}–{row.CallsPerSecond.Max():N0}) | {concurrent / Measure.Median(echo.CallsPerSecond):F2} | {concurrent / Measure.Median(single.CallsPerSecond):F2} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Issue 12's targets (the median of the ratios of each round, whose two figures were taken back to back; min–max):");
        Row cluster = rows.Single(r => r.Key == "cluster");
        // A rate is the inverse of the time per call: the cluster's sync rate over the echo's is echo µs ÷ cluster µs.
        bool met = Target("cluster without persistence, sync calls on one object, rate vs the echo grain's", Ratios(echo.SyncMicroseconds, cluster.SyncMicroseconds), 0.5, "%", echoInvalid);
        met &= Target("cluster without persistence, 64 concurrent calls on one object, rate vs the echo grain's", Ratios(cluster.CallsPerSecond, echo.CallsPerSecond), 0.5, "%", echoInvalid);
        Row? coalesced = rows.SingleOrDefault(r => r.Key == "coalesced");
        Row? perCall = rows.SingleOrDefault(r => r.Key == "per-call");
        if (coalesced is null || perCall is null)
        {
            Console.WriteLine($"NOT RUN  persisted 64 concurrent calls, coalesced vs one write per call (target ≥ 2×): {persistedSkipped}");
        }
        else
        {
            met &= Target("persisted 64 concurrent calls on one object, coalesced writes vs one write per call", Ratios(coalesced.CallsPerSecond, perCall.CallsPerSecond), 2.0, "×");
        }

        return met;
    }

    private static double[] Ratios(List<double> numerators, List<double> denominators) => [.. numerators.Zip(denominators, (n, d) => n / d)];

    private static bool Target(string what, double[] ratios, double target, string unit, string? invalid = null)
    {
        double ratio = Measure.Median(ratios);
        bool met = ratio >= target;
        var invariant = CultureInfo.InvariantCulture;
        string shown = unit == "%"
            ? string.Create(invariant, $"{ratio * 100:F0} % ({ratios.Min() * 100:F0}–{ratios.Max() * 100:F0} %; target ≥ {target * 100:F0} %)")
            : string.Create(invariant, $"{ratio:F2}× ({ratios.Min():F2}–{ratios.Max():F2}×; target ≥ {target:F0}×)");
        if (invalid is not null)
        {
            // Measured, but not comparable: never a pass.
            Console.WriteLine($"INVALID  {what}: {shown}; not comparable: {invalid}");
            return false;
        }

        Console.WriteLine($"{(met ? "PASS" : "FAIL"),-8} {what}: {shown}");
        return met;
    }
}
