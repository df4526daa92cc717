using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hosting;

/// <summary>samples/HostedManager run as a user runs it: the host starts the manager, three workers count words, the host stops.</summary>
[Trait("Kind", "Process")]
public sealed class HostedManagerSampleTests
{
    [Fact(Timeout = 120_000)]
    public async Task TheSample_CountsEveryWordOnceAcrossItsWorkers_AndStopsOnItsOwn()
    {
        (int exitCode, string text, string errors) = await SampleRun.RunAsync("HostedManager", TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, text + errors);
        // "the" is in the three texts 2 + 2 + 2 times: 6, none lost between the worker processes.
        Assert.Contains("the: 6", text, StringComparison.Ordinal);
        Assert.Contains("fox: 3", text, StringComparison.Ordinal);
    }
}
