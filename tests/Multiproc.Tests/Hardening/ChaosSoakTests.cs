using System.Diagnostics;
using Multiproc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Issue 7 item 9: the chaos soak (tools/Multiproc.Soak) in short mode. Worker processes are SIGKILLed at random while
/// they use a shared queue, list, dictionary, lock and semaphore; the tool exits 0 only if no acknowledged item was
/// lost or duplicated (pins review F2: before lease-and-ack receipts, items put just after a waiting consumer was
/// killed went to the dead consumer), exclusion and permits held, the lock ended free, and objects, connections and
/// the manager's heap came back to where they started.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    [Fact(Timeout = 240_000)]
    public async Task Chaos_ShortRun_EveryInvariantHolds()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Multiproc.Soak.dll"));
        // Strict: with lease-and-ack receipts, items handed to a consumer that dies come back (review F2).
        foreach (string argument in (string[])["chaos", "--seconds", "20", "--workers", "3", "--seed", "20261130"])
        {
            info.ArgumentList.Add(argument);
        }

        using Process soak = Process.Start(info)!;
        Task<string> stdout = soak.StandardOutput.ReadToEndAsync();
        Task<string> stderr = soak.StandardError.ReadToEndAsync();
        try
        {
            await soak.WaitForExitAsync(TestTimeout.Token(230));
        }
        finally
        {
            if (!soak.HasExited)
            {
                soak.Kill(entireProcessTree: true);
            }
        }

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, soak.ExitCode);
    }
}
