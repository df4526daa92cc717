using System.Diagnostics;
using Multiproc.Tests.Architecture;

namespace Multiproc.Tests.Python;

/// <summary>samples/PythonInterop run as a user runs it: a stock CPython script raises C# employees, hires one, and reports back through a queue.</summary>
[Trait("Kind", "Process")]
public sealed class PythonInteropSampleTests
{
    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Versions))]
    public async Task TheSample_PythonRaisesAndHires_AndCSharpSeesIt(string version)
    {
        string sample = Path.Combine(RepositoryPaths.Root, "samples", "PythonInterop", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0", "PythonInterop.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(sample);
        info.ArgumentList.Add("--python");
        info.ArgumentList.Add(PythonInterpreters.Get(version).Path);
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
        Assert.Contains($"python> Python {version}.", text, StringComparison.Ordinal);
        // C# reads Python's results from the queue, and the salaries through its own proxies.
        Assert.Contains("raised Ada by 10%: 52,000.00 -> 57,200.00", text.Split("What Python did")[1], StringComparison.Ordinal);
        Assert.Contains("raised Ada by 2%: 57,200.00 -> 58,344.00", text.Split("What Python did")[1], StringComparison.Ordinal);
        Assert.Contains("  Ada        58,344.00", text, StringComparison.Ordinal);
        Assert.Contains("  Linus      45,000.00", text, StringComparison.Ordinal);
        Assert.Contains("  Grace      61,000.00", text, StringComparison.Ordinal);
        Assert.Contains("python> departments: Ada in Engines, Alan in Codes, Linus in Kernels, Margaret in Apollo", text, StringComparison.Ordinal);
    }
}
