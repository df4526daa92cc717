using System.Diagnostics;
using Multiproc.Tests.Architecture;

namespace Multiproc.Tests.Hosting;

/// <summary>samples/HostedManager run as a user runs it: the host starts the manager, three workers count words, the host stops.</summary>
[Trait("Kind", "Process")]
public sealed class HostedManagerSampleTests
{
    [Fact(Timeout = 120_000)]
    public async Task TheSample_CountsEveryWordOnceAcrossItsWorkers_AndStopsOnItsOwn()
    {
        string sample = Path.Combine(RepositoryPaths.Root, "samples", "HostedManager", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "HostedManager.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(sample);
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text = await output;
        Assert.True(process.ExitCode == 0, text + await errors);
        // "the" is in the three texts 2 + 2 + 2 times: 6, none lost between the worker processes.
        Assert.Contains("the: 6", text, StringComparison.Ordinal);
        Assert.Contains("fox: 3", text, StringComparison.Ordinal);
    }
}
