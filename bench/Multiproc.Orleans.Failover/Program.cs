using System.Globalization;

namespace Multiproc.Orleans.Failover;

/// <summary>
/// Measures failover of a 2-silo Redis cluster (redis-server from PATH; docs/cluster.md):
/// SIGKILL, median of 3 rounds, and SIGSTOP, one round by default, each with Orleans' default membership
/// settings and with <see cref="FailoverSettings"/>' recommended settings. Each round runs on a fresh cluster.
/// </summary>
/// <remarks>
/// <c>--short</c>: one SIGKILL round with the recommended settings (a smoke check).
/// <c>--rounds N</c>: SIGKILL rounds per setting (default 3); <c>--freeze-rounds N</c>: SIGSTOP rounds (default 1). <c>--no-freeze</c>: skip SIGSTOP; <c>--no-kill</c>: skip SIGKILL.
/// <c>--recommended-only</c>: skip Orleans' defaults. <c>--max-probe-timeout S</c>: the recommended settings with
/// another <see cref="FailoverSettings.MaxProbeTimeout"/> (to compare values).
/// Progress goes to stderr; the table to stdout.
/// </remarks>
public static class Program
{
    private static readonly TimeSpan s_killLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_freezeLimit = TimeSpan.FromSeconds(180);
    private static TimeSpan? s_maxProbeTimeout;

    public static async Task<int> Main(string[] args)
    {
        bool isShort = args.Contains("--short");
        bool freeze = !isShort && !args.Contains("--no-freeze");
        bool kill = !args.Contains("--no-kill");
        int freezeAt = Array.IndexOf(args, "--freeze-rounds");
        int freezeRounds = freezeAt >= 0 && freezeAt + 1 < args.Length ? int.Parse(args[freezeAt + 1], CultureInfo.InvariantCulture) : 1;
        int rounds = isShort ? 1 : 3;
        int roundsAt = Array.IndexOf(args, "--rounds");
        if (roundsAt >= 0 && roundsAt + 1 < args.Length)
        {
            rounds = int.Parse(args[roundsAt + 1], CultureInfo.InvariantCulture);
        }

        int maxAt = Array.IndexOf(args, "--max-probe-timeout");
        s_maxProbeTimeout = maxAt >= 0 && maxAt + 1 < args.Length ? TimeSpan.FromSeconds(double.Parse(args[maxAt + 1], CultureInfo.InvariantCulture)) : null;
        bool[] settings = isShort || args.Contains("--recommended-only") ? [true] : [false, true];
        var results = new List<RoundResult>();
        using var total = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        foreach (bool recommended in settings)
        {
            for (int round = 0; kill && round < rounds; round++)
            {
                results.Add(await RunAsync(recommended, Fault.Kill, s_killLimit, total.Token));
            }

            for (int round = 0; freeze && round < freezeRounds; round++)
            {
                results.Add(await RunAsync(recommended, Fault.Freeze, s_freezeLimit, total.Token));
            }
        }

        Console.WriteLine(Report.Table(results));
        Console.WriteLine();
        Console.WriteLine(Report.Medians(results));
        return results.All(r => r.AllAnswered is not null && r.Lost == 0 && r.Intact == r.Victims) ? 0 : 1;
    }

    private static async Task<RoundResult> RunAsync(bool recommended, Fault fault, TimeSpan limit, CancellationToken cancellationToken)
    {
        await Console.Error.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} {fault} with {Report.SettingsName(recommended, recommended ? s_maxProbeTimeout : null)} settings...");
        RoundResult result = await FailoverRound.RunAsync(recommended, recommended ? s_maxProbeTimeout : null, fault, limit, cancellationToken);
        await Console.Error.WriteLineAsync($"  {Report.Row(result)}");
        return result;
    }
}
