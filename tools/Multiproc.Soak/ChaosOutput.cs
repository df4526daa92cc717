using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Multiproc.Soak;

/// <summary>A worker's record of what it did: one timestamped line per step, each written to stdout in one write.</summary>
/// <remarks>
/// A single write of under 4 KiB to a pipe is atomic, so a SIGKILL never leaves half a line. Timestamps are
/// <see cref="Stopwatch.GetTimestamp"/>: CLOCK_MONOTONIC on Linux, comparable across the processes of one machine.
/// </remarks>
internal static class ChaosOutput
{
    private static readonly Stream s_stdout = Console.OpenStandardOutput();
    private static readonly Lock s_lock = new();

    /// <summary>Gets or sets whether lines are dropped (while a spare warms up on objects of its own).</summary>
    public static bool Muted { get; set; }

    public static void Emit(string code, params long[] values)
    {
        var line = new StringBuilder(64).Append(Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)).Append(' ').Append(code);
        foreach (long value in values)
        {
            line.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture));
        }

        Write(line.Append('\n').ToString());
    }

    public static void Emit(string code, string key)
        => Write(string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetTimestamp()} {code} {key}\n"));

    private static void Write(string line)
    {
        if (Muted)
        {
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(line);
        lock (s_lock)
        {
            s_stdout.Write(bytes);
        }
    }
}
