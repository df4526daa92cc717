using System.Diagnostics;
using System.Text.Json;

namespace Multiproc.Tests.Python.Suite;

/// <summary>
/// Runs CPython's own manager tests (<c>test.test_multiprocessing_spawn.test_manager</c>, 75 tests in 3.13) against a
/// manager server, through <c>Python/Suite/cpython_manager_suite.py</c>: every SyncManager the tests start becomes a
/// client that connects to the server instead (docs/python-cpython-suite.md).
/// </summary>
/// <remarks>Needs a CPython 3.13+ that ships its <c>test</c> package (pyenv's does); <see cref="Interpreter"/> is
/// null without one. The harness and everything it starts (the tests' spawned children, the self-test's reference
/// server) run as one process tree, which is killed at the deadline.</remarks>
internal static class CPythonManagerSuite
{
    /// <summary>The number of tests <c>test_multiprocessing_spawn.test_manager</c> holds in CPython 3.13.</summary>
    public const int TestCount = 75;

    private static readonly Lazy<PythonInterpreter?> s_interpreter = new(Find);

    /// <summary>Gets the harness script, as copied to the test output.</summary>
    public static string ScriptPath { get; } = Path.Combine(AppContext.BaseDirectory, "Python", "Suite", "cpython_manager_suite.py");

    /// <summary>Gets the newest CPython 3.13+ whose <c>test</c> package has the manager tests, or null.</summary>
    public static PythonInterpreter? Interpreter => s_interpreter.Value;

    /// <summary>Runs the suite against the manager server at <paramref name="address"/>.</summary>
    /// <param name="address"><c>host:port</c> or a Unix socket path, as a stock client would be given it.</param>
    /// <param name="authKey">The server's authkey.</param>
    /// <param name="timeout">The whole run's deadline; the harness's process tree is killed when it passes.</param>
    /// <param name="cancellationToken">Stops the run early (the process tree is killed; the exception propagates).</param>
    /// <returns>Per-test results; <see cref="SuiteReport.TimedOut"/> says whether the deadline ended the run.</returns>
    /// <exception cref="InvalidOperationException">No CPython 3.13 with its test package was found.</exception>
    public static Task<SuiteReport> RunAsync(string address, byte[] authKey, TimeSpan timeout, CancellationToken cancellationToken = default)
        => RunHarnessAsync(["--address", address, "--authkey-hex", Convert.ToHexStringLower(authKey)], timeout, cancellationToken);

    /// <summary>Runs the suite against a stock CPython SyncManager server that the harness starts and stops itself.</summary>
    /// <remarks>Proves the redirection faithful: every test outside the harness's skip table must pass there.</remarks>
    /// <exception cref="InvalidOperationException">No CPython 3.13 with its test package was found.</exception>
    public static Task<SuiteReport> RunSelfTestAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => RunHarnessAsync(["--self-test"], timeout, cancellationToken);

    private static async Task<SuiteReport> RunHarnessAsync(string[] arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        PythonInterpreter python = Interpreter
            ?? throw new InvalidOperationException("No CPython 3.13+ with its test package (test.test_multiprocessing_spawn) was found: install one with pyenv.");
        var tests = new List<SuiteTestResult>();
        var fixtures = new List<SuiteTestResult>();
        List<string>? problems = null;
        string? summary = null;
        int? exitCode = null;
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using PythonScript script = PythonScript.StartFile(python, ScriptPath, arguments);
        try
        {
            await foreach (string line in script.ReadAllLinesAsync(deadline.Token))
            {
                using JsonDocument json = JsonDocument.Parse(line);
                JsonElement root = json.RootElement;
                if (root.TryGetProperty("id", out JsonElement id))
                {
                    tests.Add(Read(id.GetString()!, root));
                }
                else if (root.TryGetProperty("fixture", out JsonElement fixture))
                {
                    fixtures.Add(Read(fixture.GetString()!, root));
                }
                else if (root.TryGetProperty("summary", out _))
                {
                    summary = line;
                }
                else if (root.TryGetProperty("self_test", out JsonElement selfTest))
                {
                    problems = [.. selfTest.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)];
                }
            }

            // Stdout is closed: the harness is exiting.
            exitCode = await script.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The deadline passed: disposing the script kills the harness's whole tree.
        }

        return new SuiteReport(tests, fixtures, problems, exitCode, summary, script.StandardError, clock.Elapsed);
    }

    private static SuiteTestResult Read(string id, JsonElement line)
    {
        string? Text(string name) => line.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;
        SuiteOutcome outcome = Text("outcome") switch
        {
            "passed" => SuiteOutcome.Passed,
            "failed" => SuiteOutcome.Failed,
            "skipped" => SuiteOutcome.Skipped,
            _ => SuiteOutcome.Error,
        };
        double seconds = line.TryGetProperty("seconds", out JsonElement s) ? s.GetDouble() : 0;
        return new SuiteTestResult(id, outcome, Text("reason"), Text("traceback"), seconds);
    }

    private static PythonInterpreter? Find()
        => PythonInterpreters.Found
            .Where(i => Version.Parse(i.Version) >= new Version(3, 13) && HasManagerTests(i))
            .OrderByDescending(i => Version.Parse(i.Version))
            .FirstOrDefault();

    // A file check, not an import: it runs while xunit discovers tests (the skip attribute asks).
    private static bool HasManagerTests(PythonInterpreter interpreter)
    {
        string? prefix = Path.GetDirectoryName(Path.GetDirectoryName(interpreter.Path));
        return prefix is not null
            && File.Exists(Path.Combine(prefix, "lib", $"python{interpreter.Version}", "test", "test_multiprocessing_spawn", "test_manager.py"));
    }
}
