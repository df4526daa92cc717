using Multiproc.Tests.Infrastructure;

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
        (int exitCode, string text, string errors) = await SampleRun.RunAsync("PythonInterop", TimeSpan.FromSeconds(90), "--python", PythonInterpreters.Get(version).Path);

        Assert.True(exitCode == 0, text + errors);
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
