using System.Diagnostics;

namespace Multiproc.Tests.Shared;

/// <summary>Runs a real child process to completion within a deadline and always reaps it.</summary>
internal static class ChildProcessRunner
{
    /// <summary>Gets the deadline for one child process.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>python3 -c script args...</c>.</summary>
    public static Task<ChildProcessResult> RunPythonAsync(string script, params string[] arguments) =>
        RunAsync("python3", ["-c", script, .. arguments], environment: null);

    /// <summary>Starts a process, waits for it to exit (killing it at the deadline) and asserts it is gone.</summary>
    public static async Task<ChildProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync(cts.Token);
            Task<string> error = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return new ChildProcessResult(process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(Timeout);
            }

            Assert.True(process.HasExited, $"{fileName} is still running.");
        }
    }
}
