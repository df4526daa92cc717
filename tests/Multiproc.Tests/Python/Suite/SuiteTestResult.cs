namespace Multiproc.Tests.Python.Suite;

/// <summary>One test's result (or one failed class/module fixture's) from the CPython manager suite.</summary>
/// <param name="Id">The test id without the module, e.g. <c>WithManagerTestQueue.test_get</c>; for a fixture, unittest's
/// name of it, e.g. <c>setUpClass (test.test_multiprocessing_spawn.test_manager.WithManagerTestLock)</c>.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Reason">The skip reason, or the exception line of a failure or error.</param>
/// <param name="Traceback">The first lines of the traceback of a failure or error.</param>
/// <param name="Seconds">How long the test ran.</param>
internal sealed record SuiteTestResult(string Id, SuiteOutcome Outcome, string? Reason, string? Traceback, double Seconds)
{
    public override string ToString() => $"{Id}: {Outcome}{(Reason is null ? "" : $" ({Reason})")}";
}
