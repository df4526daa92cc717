using System.Globalization;

namespace Multiproc.Soak;

/// <summary>Threads, resident memory and open descriptors of a process, read from /proc (Linux).</summary>
/// <param name="Threads">The thread count.</param>
/// <param name="ResidentKilobytes">VmRSS in KiB.</param>
/// <param name="Descriptors">Open file descriptors.</param>
internal readonly record struct ProcessSample(int Threads, long ResidentKilobytes, int Descriptors)
{
    /// <summary>Reads the figures of <paramref name="pid"/>; null once the process is gone.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            int threads = 0;
            long rss = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcessSample(threads, rss, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public ProcessSample Max(ProcessSample other)
        => new(Math.Max(Threads, other.Threads), Math.Max(ResidentKilobytes, other.ResidentKilobytes), Math.Max(Descriptors, other.Descriptors));

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Threads} threads, {ResidentKilobytes / 1024.0:F0} MB RSS, {Descriptors} fds");
}
