using System.Text;

namespace Multiproc.Tests.Python.Suite;

/// <summary>What one run of the CPython manager suite reported.</summary>
/// <param name="Tests">One result per test that reported, in run order.</param>
/// <param name="FixtureErrors">Class or module fixtures that failed (their tests are also listed, as errors).</param>
/// <param name="SelfTestProblems">For a self-test, why the redirection is not faithful (empty when it is); otherwise null.</param>
/// <param name="ExitCode">The harness's exit code; null when it was killed at the deadline.</param>
/// <param name="Summary">The harness's summary line (JSON), or null when it printed none.</param>
/// <param name="StandardError">What the harness and the tests' children wrote to stderr.</param>
/// <param name="Elapsed">How long the run took.</param>
internal sealed record SuiteReport(
    IReadOnlyList<SuiteTestResult> Tests,
    IReadOnlyList<SuiteTestResult> FixtureErrors,
    IReadOnlyList<string>? SelfTestProblems,
    int? ExitCode,
    string? Summary,
    string StandardError,
    TimeSpan Elapsed)
{
    /// <summary>Gets a value indicating whether the harness was killed at the deadline.</summary>
    public bool TimedOut => ExitCode is null;

    /// <summary>Gets a value indicating whether the run ended by itself and nothing failed.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Gets the tests that ended with <paramref name="outcome"/>.</summary>
    public IReadOnlyList<SuiteTestResult> With(SuiteOutcome outcome) => [.. Tests.Where(t => t.Outcome == outcome)];

    /// <summary>Describes the run for a test log: counts, then every test that did not pass with its reason.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Tests.Count} tests in {Elapsed.TotalSeconds:F1} s, exit {(ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (killed at the deadline)")}: "
            + string.Join(", ", Enum.GetValues<SuiteOutcome>().Select(o => $"{With(o).Count} {o.ToString().ToLowerInvariant()}")));
        foreach (SuiteTestResult result in FixtureErrors.Concat(Tests.Where(t => t.Outcome != SuiteOutcome.Passed)))
        {
            text.AppendLine(result.ToString());
            if (result.Traceback is not null)
            {
                text.AppendLine(result.Traceback);
            }
        }

        foreach (string problem in SelfTestProblems ?? [])
        {
            text.AppendLine($"self-test: {problem}");
        }

        return text.ToString();
    }
}
