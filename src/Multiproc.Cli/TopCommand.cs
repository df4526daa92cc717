using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Multiproc.Cli;

/// <summary><c>multiproc top ADDRESS --key-file F [--once]</c>: a manager's activity, refreshed every second.</summary>
internal static class TopCommand
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Print one frame (one second of activity) and exit." };
        return ManagerCommand.Create(
            "top",
            "Show calls/s, latency percentiles, connections, objects and the busiest objects, every second.",
            (manager, address, result, cancellationToken) => result.GetValue(once)
                ? PrintOnceAsync(manager, address, cancellationToken)
                : RunLiveAsync(manager, address, cancellationToken),
            once);
    }

    private static async Task<int> PrintOnceAsync(Manager manager, string target, CancellationToken cancellationToken)
    {
        ActivityFrame frame = await NextFrameAsync(manager, await manager.InspectAsync(cancellationToken), cancellationToken);
        AnsiConsole.Write(Render(target, frame));
        return 0;
    }

    private static async Task<int> RunLiveAsync(Manager manager, string target, CancellationToken cancellationToken)
    {
        ManagerInspection previous = await manager.InspectAsync(cancellationToken);
        try
        {
            await AnsiConsole.Live(new Text($"multiproc top {target}: waiting for the first second…")).StartAsync(async live =>
            {
                while (true)
                {
                    ActivityFrame frame = await NextFrameAsync(manager, previous, cancellationToken);
                    previous = frame.Now;
                    live.UpdateTarget(Render(target, frame));
                }
            });
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the last frame stays on the screen.
        }

        return 0;
    }

    private static async Task<ActivityFrame> NextFrameAsync(Manager manager, ManagerInspection before, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        await Task.Delay(s_interval, cancellationToken);
        ManagerInspection after = await manager.InspectAsync(cancellationToken);
        return ActivityFrame.Between(before, after, Stopwatch.GetElapsedTime(started));
    }

    private static Rows Render(string target, ActivityFrame frame)
    {
        var invariant = CultureInfo.InvariantCulture;
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("calls/s", frame.CallsPerSecond.ToString("N0", invariant));
        summary.AddRow("errors/s", frame.ErrorsPerSecond.ToString("N0", invariant));
        summary.AddRow("latency p50 / p90 / p99", $"{Micros(frame.P50Microseconds)} / {Micros(frame.P90Microseconds)} / {Micros(frame.P99Microseconds)}");
        summary.AddRow("connections", frame.Connections.ToString(invariant));
        summary.AddRow("objects", frame.Objects.ToString(invariant));
        summary.AddRow("up", frame.Now.Uptime.ToString(@"d\.hh\:mm\:ss", invariant));

        var busiest = new Table().AddColumn("object").AddColumn("type id").AddColumn(new TableColumn("calls/s").RightAligned());
        foreach ((InspectedObject busy, double perSecond) in frame.Busiest)
        {
            busiest.AddRow($"#{busy.ObjectId}", Markup.Escape(busy.TypeId), perSecond.ToString("N0", invariant));
        }

        return new Rows(new Text($"multiproc top {target}"), summary, new Text("busiest objects, last second"), busiest);
    }

    // Upper bounds of the histogram's buckets (docs/cli.md): "≤ 20 µs" means at most 20 µs.
    private static string Micros(double? value) => value switch
    {
        null => "-",
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"≤ {value / 1_000_000:0.#} s"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"≤ {value / 1_000:0.#} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"≤ {value:0} µs"),
    };
}
