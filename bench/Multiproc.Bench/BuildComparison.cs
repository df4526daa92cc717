using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Bench;

/// <summary>
/// Before/after on one machine in one run: builds <c>bench/Multiproc.Probe</c> against an older commit
/// and against this tree, then runs the two probes in interleaved pairs (order alternating, so load
/// drift hits both sides) and reports the median ratio per figure and its range.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/Multiproc.Bench -- compare [--before REF] [--pairs N] [--seconds S]</c>
/// (S: each throughput window, default 1; longer windows steady the figures on a noisy machine).
/// The older tree comes from <c>git archive</c> into a temporary directory, removed afterwards.
/// </remarks>
internal static class BuildComparison
{
    private static readonly (string Key, string Label, bool LowerIsBetter)[] s_figures =
    [
        ("sync_us", "sync user-class call (µs)", true),
        ("pipelined_cps", "64 pipelined calls (calls/s)", false),
        ("queue_pps", "queue put+take, 64 in flight (pairs/s)", false),
        ("worker_ms", "worker with two proxies, Start → exit (ms)", true),
        ("map_ns", "pool map of 1,000,000 ints (ns per item)", true),
    ];

    public static int Run(string[] args)
    {
        string before = Option(args, "--before") ?? "e8d1922";
        int pairs = int.Parse(Option(args, "--pairs") ?? "5", CultureInfo.InvariantCulture);
        string seconds = Option(args, "--seconds") ?? "1";
        string root = FindRepositoryRoot();
        string beforeTree = Path.Combine(Path.GetTempPath(), $"mp-before-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(beforeTree);
        try
        {
            Shell("bash", root, "-c", $"git archive {before} src Directory.Build.props Directory.Packages.props global.json .editorconfig | tar -x -C '{beforeTree}'");
            CopyDirectory(Path.Combine(root, "bench", "Multiproc.Probe"), Path.Combine(beforeTree, "bench", "Multiproc.Probe"));
            string beforeProbe = BuildProbe(beforeTree);
            string afterProbe = BuildProbe(root);
            string revision = Shell("git", root, "rev-parse", "--short", "HEAD").Trim();
            Console.WriteLine($"Before: {before}; after: {revision} (working tree); {pairs} interleaved pairs, {seconds} s windows; load average {Measure.LoadAverage()}.");

            var beforeRuns = new List<Dictionary<string, double>>();
            var afterRuns = new List<Dictionary<string, double>>();
            for (int pair = 0; pair < pairs; pair++)
            {
                // Alternate which side goes first, so a load change within a pair does not favour one side.
                bool beforeFirst = pair % 2 == 0;
                Dictionary<string, double> first = Probe(beforeFirst ? beforeProbe : afterProbe, seconds);
                Dictionary<string, double> second = Probe(beforeFirst ? afterProbe : beforeProbe, seconds);
                beforeRuns.Add(beforeFirst ? first : second);
                afterRuns.Add(beforeFirst ? second : first);
                Console.Error.WriteLine($"pair {pair + 1}: before {Format(beforeRuns[^1])} | after {Format(afterRuns[^1])}");
            }

            Console.WriteLine();
            Console.WriteLine("| figure | before (median) | after (median) | after ÷ before, median | range over pairs |");
            Console.WriteLine("|---|---:|---:|---:|---|");
            foreach ((string key, string label, bool lowerIsBetter) in s_figures)
            {
                double[] ratios = [.. beforeRuns.Zip(afterRuns, (b, a) => a[key] / b[key]).Order()];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {Measure.Median(beforeRuns.Select(r => r[key])):G4} | {Measure.Median(afterRuns.Select(r => r[key])):G4} | {Measure.Median(ratios):F3} | {ratios[0]:F3}–{ratios[^1]:F3} |"));
            }

            Console.WriteLine();
            Console.WriteLine("For µs lower is better (a ratio under 1 is faster); for rates higher is better.");
            return 0;
        }
        finally
        {
            Directory.Delete(beforeTree, recursive: true);
        }
    }

    private static Dictionary<string, double> Probe(string probeDll, string seconds)
    {
        string line = Shell("dotnet", Path.GetDirectoryName(probeDll)!, probeDll, "measure", seconds).Trim().Split('\n')[^1];
        return line.Split(' ').Select(part => part.Split('='))
            .ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
    }

    private static string BuildProbe(string tree)
    {
        string project = Path.Combine(tree, "bench", "Multiproc.Probe");
        Shell("dotnet", tree, "build", project, "-c", "Release", "-nologo", "-v", "q");
        return Path.Combine(project, "bin", "Release", "net10.0", "Multiproc.Probe.dll");
    }

    private static string Shell(string file, string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (string? directory = Directory.GetCurrentDirectory(); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Multiproc.slnx")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("Run from inside the repository.");
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }


    private static string Format(Dictionary<string, double> figures)
        => string.Join(' ', figures.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:G4}")));
}
