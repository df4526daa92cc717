namespace Multiproc.Tests.Processes;

/// <summary>A worker's stdout and stderr are its parent's: lines it writes arrive there, apart from the protocol.</summary>
/// <remarks>Runs alone: it points this process's own stdout and stderr at files while the worker starts.</remarks>
[Collection(nameof(SerialProcessTests))]
[Trait("Kind", "Process")]
public sealed class WorkerOutputTests
{
    [Fact]
    public async Task Start_TargetWritesLines_LinesReachTheParentsStdoutAndStderr()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string stdout = Path.GetTempFileName();
        string stderr = Path.GetTempFileName();
        try
        {
            WorkerProcess<int> worker;
            using (new FileDescriptorRedirect(1, stdout))
            using (new FileDescriptorRedirect(2, stderr))
            {
                worker = WorkerProcess.Start(WorkerTargets.Chatty, 3);
            }

            await using (worker)
            {
                Assert.Equal(3, await worker.Result.WaitAsync(timeout.Token));
                await worker.WaitForExitAsync(timeout.Token);
            }

            string[] outLines = await File.ReadAllLinesAsync(stdout, timeout.Token);
            string[] errLines = await File.ReadAllLinesAsync(stderr, timeout.Token);
            Assert.Equal(["worker stdout line 0", "worker stdout line 1", "worker stdout line 2"], outLines.Where(l => l.StartsWith("worker", StringComparison.Ordinal)));
            Assert.Equal(["worker stderr line 0", "worker stderr line 1", "worker stderr line 2"], errLines.Where(l => l.StartsWith("worker", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(stdout);
            File.Delete(stderr);
        }
    }
}
