using System.Net.Sockets;

namespace Multiproc.Tests.Processes;

/// <summary>Integration tests: real worker processes started with <see cref="WorkerProcess.Start(Action)"/>.</summary>
[Trait("Kind", "Process")]
public sealed class WorkerProcessTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Start_FuncNoArguments_ReturnsResultAndExitsZero()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.Answer);

        Assert.Equal(42, await worker.Result.WaitAsync(timeout));
        await worker.Completion.WaitAsync(timeout);
        Assert.True(worker.HasExited);
        Assert.Equal(0, worker.ExitCode);
        Assert.Contains("WorkerTargets.Answer", worker.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FuncOneToFourArguments_ReturnsResults()
    {
        CancellationToken timeout = Timeout();
        var payload = new Payload { Name = "p", Values = [10, 20] };
        await using WorkerProcess<int> one = WorkerProcess.Start(WorkerTargets.Square, 12);
        await using WorkerProcess<string> two = WorkerProcess.Start(WorkerTargets.Concat, "n=", 7);
        await using WorkerProcess<Point> three = WorkerProcess.Start(WorkerTargets.Move, new Point(1, 2), 10, 20);
        await using WorkerProcess<int> four = WorkerProcess.Start(WorkerTargets.SumAll, new[] { 1, 2, 3 }, payload, "abcd", 1000L);

        Assert.Equal(144, await one.Result.WaitAsync(timeout));
        Assert.Equal("n=7", await two.Result.WaitAsync(timeout));
        Assert.Equal(new Point(11, 22), await three.Result.WaitAsync(timeout));
        Assert.Equal(6 + 30 + 4 + 1000, await four.Result.WaitAsync(timeout));
    }

    [Fact]
    public async Task Start_ActionZeroToFourArguments_CompletesWithExitCodeZero()
    {
        CancellationToken timeout = Timeout();
        WorkerProcess[] workers =
        [
            WorkerProcess.Start(WorkerTargets.Empty),
            WorkerProcess.Start(WorkerTargets.ExpectOne, 1),
            WorkerProcess.Start(WorkerTargets.ExpectTwo, "two", new Point(1, 2)),
            WorkerProcess.Start(WorkerTargets.ExpectThree, new[] { 1, 2, 3 }, new Payload { Name = "p", Values = [4, 5] }, (string?)null),
            WorkerProcess.Start(WorkerTargets.ExpectFour, 4, "four", new Point(3, 4), Array.Empty<int>()),
        ];
        try
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.Completion.WaitAsync(timeout);
                Assert.Equal(0, worker.ExitCode);
            }
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        ProcessProbe.AssertAllGone(workers.Select(w => w.Id));
    }

    [Fact]
    public async Task Start_NonCapturingLambda_RunsInWorker()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start((int x) => x + Environment.ProcessId - Environment.ProcessId, 5);

        Assert.Equal(5, await worker.Result.WaitAsync(timeout));
        Assert.NotEqual(Environment.ProcessId, worker.Id);
    }

    [Fact]
    public async Task Start_TargetThrows_ResultFaultsWithTheSameExceptionType_AndExitCodeOne()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.Throw, "boom from worker");

        // A BCL exception thrown in a worker arrives as itself with the worker's stack, as from a manager call.
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Result.WaitAsync(timeout));
        await worker.WaitForExitAsync(timeout);

        Assert.Equal("boom from worker", error.Message);
        Assert.Contains(nameof(WorkerTargets.Throw), error.StackTrace, StringComparison.Ordinal);
        Assert.Equal(1, worker.ExitCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Completion.WaitAsync(timeout));
    }

    [Fact]
    public async Task Start_TargetThrowsItsOwnExceptionType_ResultFaultsWithRemoteException()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.ThrowCustom, "custom from worker");

        RemoteException error = await Assert.ThrowsAsync<RemoteException>(() => worker.Result.WaitAsync(timeout));

        Assert.Equal(typeof(WorkerTestException).FullName, error.RemoteTypeName);
        Assert.Equal("custom from worker", error.Message);
        Assert.Contains(nameof(WorkerTargets.ThrowCustom), error.RemoteStackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ActionThrows_CompletionFaultsWithTheSameExceptionType()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess worker = WorkerProcess.Start(WorkerTargets.ThrowFromAction);

        FormatException error = await Assert.ThrowsAsync<FormatException>(() => worker.Completion.WaitAsync(timeout));

        Assert.Equal("bad format in worker", error.Message);
        Assert.Equal(1, worker.ExitCode);
    }

    [Fact]
    public async Task Start_TargetCallsEnvironmentExit_ExitCodeIsThreeAndResultFaults()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.ExitWith, 3);

        WorkerCrashedException error = await Assert.ThrowsAsync<WorkerCrashedException>(() => worker.Result.WaitAsync(timeout));

        Assert.Equal(3, worker.ExitCode);
        Assert.Equal(3, error.ExitCode);
        Assert.Contains("exited with code 3 before returning a result", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkerCrashedException>(() => worker.Completion.WaitAsync(timeout));
    }

    [Fact]
    public async Task Start_TargetWritesToStdoutAndStderr_ResultStillReturned()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.Chatty, 200);

        Assert.Equal(200, await worker.Result.WaitAsync(timeout));
        await worker.Completion.WaitAsync(timeout);
    }

    [Fact]
    public async Task Start_WorkerStartsWorker_NestedResultReturned()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess<int> worker = WorkerProcess.Start(WorkerTargets.NestedSquare, 9);

        Assert.Equal(81, await worker.Result.WaitAsync(timeout));
        await worker.Completion.WaitAsync(timeout);
    }

    [Fact]
    public async Task Kill_RunningWorker_ExitsAndCompletionFaults()
    {
        CancellationToken timeout = Timeout();
        await using WorkerProcess worker = WorkerProcess.Start(WorkerTargets.BlockForever);
        Assert.False(worker.WaitForExit(TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => worker.ExitCode);

        worker.Kill();
        await worker.WaitForExitAsync(timeout);

        Assert.True(worker.HasExited);
        Assert.NotEqual(0, worker.ExitCode);
        await Assert.ThrowsAsync<WorkerCrashedException>(() => worker.Completion.WaitAsync(timeout));
        Assert.False(ProcessProbe.IsRunning(worker.Id));
    }

    [Fact]
    public async Task DisposeAsync_RunningWorker_KillsIt()
    {
        WorkerProcess worker = WorkerProcess.Start(WorkerTargets.BlockForever);

        await worker.DisposeAsync().AsTask().WaitAsync(Timeout());

        Assert.True(worker.HasExited);
        Assert.NotEqual(0, worker.ExitCode);
        Assert.False(ProcessProbe.IsRunning(worker.Id));
    }

    [Fact]
    public void Dispose_RunningWorker_KillsIt()
    {
        WorkerProcess worker = WorkerProcess.Start(WorkerTargets.BlockForever);

        worker.Dispose();

        Assert.True(worker.HasExited);
        Assert.False(ProcessProbe.IsRunning(worker.Id));
    }

    [Fact]
    public async Task Kill_MiddleWorker_GrandchildExits()
    {
        CancellationToken timeout = Timeout();
        string reportPath = Path.Combine(Path.GetTempPath(), $"mp-test-{Guid.NewGuid():N}"[..20]);
        using var report = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        report.Bind(new UnixDomainSocketEndPoint(reportPath));
        report.Listen(1);
        try
        {
            await using WorkerProcess middle = WorkerProcess.Start(WorkerTargets.StartGrandchildAndBlock, reportPath);
            using Socket connection = await report.AcceptAsync(timeout);
            byte[] pid = new byte[4];
            Assert.Equal(4, await connection.ReceiveAsync(pid, timeout));
            int grandchild = BitConverter.ToInt32(pid);
            Assert.True(ProcessProbe.IsRunning(grandchild));

            middle.Kill();
            await middle.WaitForExitAsync(timeout);

            // The grandchild sees its stdin close when the middle process dies, and exits by itself.
            await ProcessProbe.WaitForExitAsync(grandchild, new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            Assert.False(ProcessProbe.IsRunning(grandchild));
        }
        finally
        {
            File.Delete(reportPath);
        }
    }
}
