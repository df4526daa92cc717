namespace Multiproc.Tests.Processes;

public sealed class WorkerProcessTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Start_FuncNoArguments_ReturnsResultAndExitsZero()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.Answer);

        Assert.Equal(42, await worker.Result.WaitAsync(timeout));
        await worker.WaitForExitAsync(timeout);
        Assert.Equal(0, worker.ExitCode);
    }
}
