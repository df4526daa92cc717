using Multiproc.Processes.Launch;

namespace Multiproc.Tests.Processes;

/// <summary>Start rejects bad targets and arguments before any process starts.</summary>
/// <remarks>Runs alone so the count of started processes is not changed by other tests.</remarks>
[Collection(nameof(SerialProcessTests))]
public sealed class WorkerProcessValidationTests
{
    private readonly int _state = 3;

    [Fact]
    public void Start_CapturingLambda_ThrowsNamingTheVariableWithoutStartingAProcess()
    {
        int captured = 5;
        long before = LaunchedProcess.StartedCount;

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(() => captured * 2));

        Assert.Contains("'captured'", error.Message, StringComparison.Ordinal);
        Assert.Equal("target", error.ParamName);
        Assert.Equal(before, LaunchedProcess.StartedCount);
    }

    [Fact]
    public void Start_LambdaCapturingThis_ThrowsNamingThis()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(() => _state));

        Assert.Contains("'this'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_InstanceMethodOfObjectWithState_ThrowsNamingTheField()
    {
        var counter = new StatefulCounter();

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(counter.Next));

        Assert.Contains("'_count'", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(StatefulCounter), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_UnserializableArgument_ThrowsNamingTheArgumentWithoutStartingAProcess()
    {
        long before = LaunchedProcess.StartedCount;
        using var stream = new MemoryStream();

        ArgumentException first = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(WorkerTargets.ReadStream, stream));
        ArgumentException second = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(WorkerTargets.InvokeCallback, () => { }, 1));

        Assert.Equal("arg1", first.ParamName);
        Assert.Contains("Argument 0 ('stream')", first.Message, StringComparison.Ordinal);
        Assert.Equal("arg1", second.ParamName);
        Assert.Contains("Argument 0 ('callback')", second.Message, StringComparison.Ordinal);
        Assert.Equal(before, LaunchedProcess.StartedCount);
    }

    [Fact]
    public void Start_AsyncLambda_ThrowsSayingTargetsAreSynchronous()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(async () => await Task.Yield()));

        Assert.Contains("asynchronous", error.Message, StringComparison.Ordinal);
    }

    private sealed class StatefulCounter
    {
        private int _count;

        public int Next() => ++_count;
    }
}
