namespace Multiproc.Tests.Shared;

/// <summary>How a child process ended and what it printed.</summary>
/// <param name="ExitCode">The exit code (128 + signal number for a process killed by a signal).</param>
/// <param name="Output">Everything written to standard output.</param>
/// <param name="Error">Everything written to standard error.</param>
internal sealed record ChildProcessResult(int ExitCode, string Output, string Error);
