using System.Globalization;
using System.Text;

namespace Multiproc.Orleans.Failover;

/// <summary>Formats the measurements as a Markdown table and medians.</summary>
internal static class Report
{
    public static string SettingsName(bool recommended, TimeSpan? maxProbeTimeout = null)
        => !recommended ? "default" : maxProbeTimeout is { } max ? string.Create(CultureInfo.InvariantCulture, $"recommended, MaxProbeTimeout {max.TotalSeconds} s") : "recommended";

    public static string Table(IEnumerable<RoundResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| fault | settings | victim objects | first answers | all answer | intact | lost | failed calls |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (RoundResult result in results)
        {
            text.AppendLine(Row(result));
        }

        return text.ToString().TrimEnd();
    }

    public static string Row(RoundResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {(r.Fault == Fault.Kill ? "SIGKILL" : "SIGSTOP")} | {SettingsName(r.Recommended, r.MaxProbeTimeout)} | {r.Victims} | {Seconds(r.FirstAnswer)} | {Seconds(r.AllAnswered)} | {r.Intact}/{r.Victims} | {r.Lost} | {r.FailedCalls} |");

    public static string Medians(IEnumerable<RoundResult> results)
    {
        var text = new StringBuilder();
        foreach (IGrouping<(bool Recommended, Fault Fault), RoundResult> group in results.GroupBy(r => (r.Recommended, r.Fault)))
        {
            TimeSpan?[] all = [.. group.Select(r => r.AllAnswered).Order()];
            TimeSpan? median = all.Any(t => t is null) ? null : all[all.Length / 2];
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{(group.Key.Fault == Fault.Kill ? "SIGKILL" : "SIGSTOP")} failover, {SettingsName(group.Key.Recommended, group.First().MaxProbeTimeout)} settings: median {Seconds(median)} over {all.Length} round(s) (every victim object answering again)"));
        }

        return text.ToString().TrimEnd();
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00} s") : "never";
}
