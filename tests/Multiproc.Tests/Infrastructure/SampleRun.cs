using System.Diagnostics;
using Multiproc.Tests.Architecture;

namespace Multiproc.Tests.Infrastructure;

/// <summary>A sample under <c>samples/</c> run as a user runs it (<c>dotnet its.dll</c>), bounded, killed with its tree if it overruns.</summary>
internal static class SampleRun
{
    /// <summary>Runs the built sample <paramref name="name"/> with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string name, TimeSpan timeout, params string[] arguments)
    {
        string sample = Path.Combine(RepositoryPaths.Root, "samples", name, "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", name + ".dll");
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
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await errors);
    }
}
