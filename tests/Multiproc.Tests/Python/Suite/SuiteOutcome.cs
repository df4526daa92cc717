namespace Multiproc.Tests.Python.Suite;

/// <summary>How one CPython test ended, as the harness reports it.</summary>
internal enum SuiteOutcome
{
    /// <summary>The test passed.</summary>
    Passed,

    /// <summary>An assertion failed.</summary>
    Failed,

    /// <summary>The test raised, never ran (its fixture failed), or outlived the harness's per-test watchdog.</summary>
    Error,

    /// <summary>Skipped by the harness's table or by CPython itself; the reason says which.</summary>
    Skipped,
}
