using System.Diagnostics.Metrics;
using System.Globalization;

namespace Multiproc.Bench;

/// <summary>
/// What the <c>Multiproc</c> meter costs a sync call: the same calls with and without a listener that
/// enables every instrument (as dotnet-counters or an OpenTelemetry exporter does), in interleaved
/// pairs in one process, order alternating (docs/metrics.md).
/// </summary>
/// <remarks>
/// The meter is the manager's, so the manager runs in this process; the client is a second
/// connection over the Unix socket, as a worker's would be.
/// </remarks>
internal static class MetricsOverhead
{
    public static async Task<int> RunAsync(bool quick)
    {
        int pairs = quick ? 5 : 11;
        int calls = quick ? 5_000 : 20_000;
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<ICounter, Counter>());
        await using Manager client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        ICounter counter = await client.CreateAsync<ICounter>();
        Measure.MicrosecondsPerOperation(calls, () => counter.Add(1), runs: 1);

        var ratios = new List<double>();
        var off = new List<double>();
        var on = new List<double>();
        for (int pair = 0; pair < pairs; pair++)
        {
            bool offFirst = pair % 2 == 0;
            double first = Time(counter, calls, listening: !offFirst);
            double second = Time(counter, calls, listening: offFirst);
            double withoutListener = offFirst ? first : second;
            double withListener = offFirst ? second : first;
            off.Add(withoutListener);
            on.Add(withListener);
            ratios.Add(withListener / withoutListener);
        }

        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"Command: dotnet run -c Release --project bench/Multiproc.Bench -- metrics{(quick ? " --quick" : string.Empty)}");
        Console.WriteLine(string.Create(invariant, $"{pairs} interleaved pairs of {calls:N0} sync calls; load average {Measure.LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| sync call | µs, median | listener ÷ none, median | range over pairs |");
        Console.WriteLine("|---|---:|---:|---|");
        Console.WriteLine(string.Create(invariant, $"| no listener | {Measure.Median(off):F2} | 1.000 | |"));
        Console.WriteLine(string.Create(invariant, $"| every Multiproc instrument listened to | {Measure.Median(on):F2} | {Measure.Median(ratios):F3} | {ratios.Min():F3}–{ratios.Max():F3} |"));
        return 0;
    }

    private static double Time(ICounter counter, int calls, bool listening)
    {
        using MeterListener? listener = listening ? Listen() : null;
        return Measure.MicrosecondsPerOperation(calls, () => counter.Add(1), runs: 1);
    }

    // As an exporter does: every instrument of the meter enabled, each measurement aggregated.
    private static MeterListener Listen()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Multiproc")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        double sum = 0;
        long count = 0;
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            Interlocked.Increment(ref count);
            sum += value + tags.Length;
        });
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref count, value));
        listener.Start();
        return listener;
    }

}
