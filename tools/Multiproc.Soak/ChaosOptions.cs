using System.Globalization;

namespace Multiproc.Soak;

/// <summary>
/// The chaos mode's command line: <c>[--minutes N | --seconds N] [--workers N] [--seed S] [--kill-ms MIN MAX] [--tolerate-f2] [--trace FILE]</c>.
/// </summary>
/// <remarks>
/// <c>--tolerate-f2</c> reports acknowledged items delivered to an already-dead consumer (review finding F2, fixed by
/// lease-and-ack receipts) without counting them as violations; without it they fail the run like any loss.
/// <c>--trace</c> writes every worker line, kill and exit to a file (prefixed with the worker's number) for analysis.
/// </remarks>
internal sealed record ChaosOptions(TimeSpan Duration, int Workers, int Seed, int KillMinMs, int KillMaxMs, bool TolerateF2 = false, string? Trace = null)
{
    /// <exception cref="ArgumentException">An option is unknown or its value is missing or out of range.</exception>
    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions(TimeSpan.FromSeconds(30), 4, Random.Shared.Next(), 50, 500);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--minutes" => options with { Duration = TimeSpan.FromMinutes(Number()) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Number()) },
                "--workers" => options with { Workers = (int)Number() },
                "--seed" => options with { Seed = (int)Number() },
                "--kill-ms" => options with { KillMinMs = (int)Number(), KillMaxMs = (int)Number() },
                "--tolerate-f2" => options with { TolerateF2 = true },
                "--trace" => options with { Trace = Next() },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (options.Duration <= TimeSpan.Zero || options.Workers is < 1 or > 64 || options.KillMinMs < 1 || options.KillMaxMs < options.KillMinMs)
        {
            throw new ArgumentException("Need a positive duration, 1..64 workers and 1 <= kill min <= kill max.");
        }

        return options;
    }
}
