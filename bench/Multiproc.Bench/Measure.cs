using System.Diagnostics;

namespace Multiproc.Bench;

/// <summary>Timing loops: warm up, then the median of several timed runs (machines here are noisy).</summary>
internal static class Measure
{
    public static double MicrosecondsPerOperation(int iterations, Action operation, int runs = 3)
        => Median(runs, () =>
        {
            for (int i = 0; i < Math.Max(10, iterations / 10); i++)
            {
                operation();
            }

            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < iterations; i++)
            {
                operation();
            }

            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        });

    public static double CallsPerSecond(int concurrency, double seconds, Func<Task> call, int runs = 3)
        => Median(runs, () =>
        {
            long calls = 0;
            var clock = Stopwatch.StartNew();
            Task[] workers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                long local = 0;
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    await call();
                    local++;
                }

                Interlocked.Add(ref calls, local);
            }))];
            Task.WaitAll(workers);
            return calls / clock.Elapsed.TotalSeconds;
        });

    /// <summary>Blocking calls one after another for <paramref name="seconds"/>: µs per call (rows whose rates differ 20-fold get the same time).</summary>
    public static double SyncMicroseconds(Action operation, double seconds)
    {
        long calls = 0;
        long start = Stopwatch.GetTimestamp();
        TimeSpan elapsed;
        do
        {
            operation();
            calls++;
        }
        while ((elapsed = Stopwatch.GetElapsedTime(start)).TotalSeconds < seconds);
        return elapsed.TotalMicroseconds / calls;
    }

    /// <summary>The median of <paramref name="values"/> (the upper one of an even count, as every table here reports it).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages, printed with each table: these machines are shared.</summary>
    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Median(int runs, Func<double> measure) => Median(Enumerable.Range(0, runs).Select(_ => measure()));
}
