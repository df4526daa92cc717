using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Bench;

/// <summary>
/// What the <c>Multiproc</c> activity source costs a sync call: the same calls with no listener, with
/// a listener that samples nothing, and with one that samples and records every span (as an
/// OpenTelemetry exporter at ratio 1 does), interleaved in one process, order rotating (docs/tracing.md).
/// </summary>
/// <remarks>
/// The manager runs in this process, so a sampled call costs both spans (client and server) and the
/// traced frame; the client is a second connection over the Unix socket, as a worker's would be.
/// </remarks>
internal static class TracingOverhead
{
    private static readonly string[] s_modes = ["no listener", "listener, nothing sampled", "listener, every span sampled and recorded"];

    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 5 : 11;
        int calls = quick ? 5_000 : 20_000;
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<ICounter, Counter>());
        await using Manager client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        ICounter counter = await client.CreateAsync<ICounter>();
        for (int mode = 0; mode < s_modes.Length; mode++)
        {
            Time(counter, calls, mode);
        }

        var micros = s_modes.Select(_ => new List<double>()).ToArray();
        var ratios = s_modes.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            // Rotate which mode goes first, so a load change within a round does not favour one mode.
            var times = new double[s_modes.Length];
            for (int i = 0; i < s_modes.Length; i++)
            {
                int mode = (round + i) % s_modes.Length;
                times[mode] = Time(counter, calls, mode);
            }

            for (int mode = 0; mode < s_modes.Length; mode++)
            {
                micros[mode].Add(times[mode]);
                ratios[mode].Add(times[mode] / times[0]);
            }
        }

        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"Command: dotnet run -c Release --project bench/Multiproc.Bench -- tracing{(quick ? " --quick" : string.Empty)}");
        Console.WriteLine(string.Create(invariant, $"{rounds} interleaved rounds of {calls:N0} sync calls per mode; load average {Measure.LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| sync call | µs, median | ÷ no listener, median | range over rounds |");
        Console.WriteLine("|---|---:|---:|---|");
        for (int mode = 0; mode < s_modes.Length; mode++)
        {
            string range = mode == 0 ? string.Empty : string.Create(invariant, $"{ratios[mode].Min():F3}–{ratios[mode].Max():F3}");
            Console.WriteLine(string.Create(invariant, $"| {s_modes[mode]} | {Measure.Median(micros[mode]):F2} | {Measure.Median(ratios[mode]):F3} | {range} |"));
        }

        return 0;
    }

    private static double Time(ICounter counter, int calls, int mode)
    {
        using ActivityListener? listener = mode == 0 ? null : Listen(sample: mode == 2);
        return Measure.MicrosecondsPerOperation(calls, () => counter.Add(1), runs: 1);
    }

    // As an exporter does: the span's tags read when it stops.
    private static ActivityListener Listen(bool sample)
    {
        long recorded = 0;
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Multiproc",
            Sample = sample
                ? static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded
                : static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                foreach (KeyValuePair<string, object?> tag in activity.TagObjects)
                {
                    recorded += tag.Key.Length;
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

}
