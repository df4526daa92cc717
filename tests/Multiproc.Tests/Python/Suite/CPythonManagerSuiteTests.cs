using System.Text.Json;
using Xunit.Abstractions;

namespace Multiproc.Tests.Python.Suite;

/// <summary>The harness redirects CPython's manager tests faithfully: against a stock CPython SyncManager server every
/// test outside its skip table passes, and nothing it started outlives it.</summary>
[Trait("Kind", "Process")]
public sealed class CPythonManagerSuiteTests(ITestOutputHelper output)
{
    // 2 shared cores: the self-test takes about 40 s; the harness's own watchdog gives one test 60 s.
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(150);

    private static readonly string[] s_cpythonSkipReasons = ["test not appropriate for manager", "test not applicable to manager"];

    [CPythonSuiteFact]
    public async Task Harness_AgainstCPythonServer_EveryRunnableTestPasses()
    {
        SuiteReport report = await CPythonManagerSuite.RunSelfTestAsync(s_deadline);
        output.WriteLine($"{CPythonManagerSuite.Interpreter}");
        output.WriteLine(report.Describe());
        output.WriteLine(report.Summary ?? "no summary");

        Assert.False(report.TimedOut, $"The harness was killed after {s_deadline}.\n{report.StandardError}");
        Assert.True(report.Succeeded, $"exit {report.ExitCode}\n{report.Describe()}\n{report.StandardError}");
        Assert.Empty(report.FixtureErrors);
        Assert.Equal(CPythonManagerSuite.TestCount, report.Tests.Select(t => t.Id).Distinct().Count());
        Assert.Equal(CPythonManagerSuite.TestCount, report.Tests.Count);
        Assert.Empty(report.With(SuiteOutcome.Failed));
        Assert.Empty(report.With(SuiteOutcome.Error));
        Assert.NotNull(report.SelfTestProblems);
        Assert.Empty(report.SelfTestProblems);

        // Every skip is the harness's table (the server would have to run Python code) or CPython's own manager skip.
        IReadOnlyList<SuiteTestResult> skipped = report.With(SuiteOutcome.Skipped);
        Assert.All(skipped, t => Assert.True(
            t.Reason!.StartsWith("needs the server to run Python code: ", StringComparison.Ordinal) || s_cpythonSkipReasons.Contains(t.Reason),
            t.ToString()));
        Assert.Equal(31, skipped.Count(t => !s_cpythonSkipReasons.Contains(t.Reason)));
        Assert.Equal(4, skipped.Count(t => s_cpythonSkipReasons.Contains(t.Reason)));
        Assert.Equal(40, report.With(SuiteOutcome.Passed).Count);

        using JsonDocument summary = JsonDocument.Parse(report.Summary!);
        Assert.Equal(0, summary.RootElement.GetProperty("summary").GetProperty("children_left").GetInt32());
        Assert.Empty(ProcessesRunning(CPythonManagerSuite.ScriptPath));
    }

    /// <summary>The judge: CPython 3.13's own manager tests, redirected to a Multiproc manager's Python listener.</summary>
    [CPythonSuiteFact]
    public async Task Suite_AgainstMultiprocManager_EveryRunnableTestPasses()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions().ServePython("tcp://127.0.0.1:0"));
        SuiteReport report = await CPythonManagerSuite.RunAsync(manager.PythonAddress!["tcp://".Length..], manager.AuthKey.ToArray(), s_deadline);
        output.WriteLine(report.Describe());
        output.WriteLine(report.Summary ?? "no summary");

        Assert.False(report.TimedOut, $"The harness was killed after {s_deadline}.\n{report.StandardError}");
        Assert.Empty(report.FixtureErrors);
        Assert.Equal(CPythonManagerSuite.TestCount, report.Tests.Count);
        Assert.True(report.Succeeded, $"exit {report.ExitCode}\n{report.Describe()}\n{report.StandardError}");
        Assert.Equal(40, report.With(SuiteOutcome.Passed).Count);
    }

    // The harness and its reference server run the script by path; neither may outlive the run.
    private static List<string> ProcessesRunning(string script)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<string>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(script, StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(directory)}: {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read, or is not ours to read.
            }
        }

        return found;
    }
}
