using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Multiproc.Orleans.SiloHost.Harness;

namespace Multiproc.Orleans.Tests;

/// <summary>
/// samples/Cluster run as a user runs it (<c>dotnet Cluster.dll</c>): it starts two silo processes,
/// runs the article's scenario through two worker processes, checks the totals and stops its silos;
/// on localhost clustering with objects in memory, and with Redis membership and persistence.
/// </summary>
[Trait("Kind", "Process")]
public sealed partial class ClusterSampleTests
{
    [Fact(Timeout = 180_000)]
    public async Task TheSample_RunsTheArticlesScenarioOnTwoSilos_AndStopsThem()
    {
        (int exitCode, string output, string errors) = await RunSampleAsync(TimeSpan.FromSeconds(150), "--employees", "60", "--work-ms", "0", "--quiet");

        AssertScenarioRanAndSilosStopped(exitCode, output, errors);
    }

    [Fact(Timeout = 180_000)]
    public async Task TheSample_OnRedisMembershipAndPersistence_RunsTheScenario_AndStopsItsSilos()
    {
        await using RedisServer redis = await RedisServer.StartAsync(TestTimeout.Token(30));

        (int exitCode, string output, string errors) = await RunSampleAsync(TimeSpan.FromSeconds(150), "--redis", redis.Address, "--employees", "60", "--work-ms", "0", "--quiet");

        AssertScenarioRanAndSilosStopped(exitCode, output, errors);
        Assert.Contains($"Connected to orleans+redis://{redis.Address}/", output, StringComparison.Ordinal);
    }

    private static void AssertScenarioRanAndSilosStopped(int exitCode, string output, string errors)
    {
        Assert.True(exitCode == 0, output + errors);
        Assert.Contains("60 employees processed by 2 worker processes", output, StringComparison.Ordinal);
        Assert.Contains("list now holds 0", output, StringComparison.Ordinal);
        Assert.Contains("Checked: every total matches one process' computation.", output, StringComparison.Ordinal);
        Assert.Matches("The payroll object lives on silo [12] ", output);

        // Both silos were started and both are gone once the sample has exited.
        int[] silos = [.. SiloReady().Matches(output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
        Assert.Equal(2, silos.Length);
        foreach (int silo in silos)
        {
            Assert.True(HasExited(silo), $"silo process {silo} outlived the sample");
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunSampleAsync(TimeSpan timeout, params string[] arguments)
    {
        string sample = Path.Combine(RepositoryRoot(), "samples", "Cluster", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "Cluster.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(sample);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                // The silos and workers are its children: the whole tree goes.
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await errors);
    }

    private static bool HasExited(int processId)
    {
        try
        {
            using Process process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Multiproc.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Multiproc.slnx.");
    }

    [GeneratedRegex(@"\[silo \d\] silo ready: pid (\d+)")]
    private static partial Regex SiloReady();
}
