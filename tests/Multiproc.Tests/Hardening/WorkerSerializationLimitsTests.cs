using System.Buffers;
using System.Reflection;
using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Serialization;
using Multiproc.Tests.Infrastructure;
using Multiproc.Tests.Processes;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// The worker channel (<see cref="WorkerArgumentCodec"/> over <see cref="ProcessResolver"/>): a cycle
/// fails to write with a typed error naming the limit, 10,000 levels fail to read with
/// <see cref="MessagePackSerializationException"/>, and real workers report a cyclic result
/// instead of crashing.
/// </summary>
/// <remarks>
/// On the old code the in-process cycle tests end the test host with a stack overflow (F5); the
/// end-to-end ones see the worker crash (<see cref="WorkerCrashedException"/>) instead of an error.
/// </remarks>
[Trait("Kind", "Process")]
public sealed class WorkerSerializationLimitsTests
{
    private const int Deep = 10_000;

    private static readonly MethodInfo s_length = typeof(ChainTargets).GetMethod(nameof(ChainTargets.Length))!;
    private static readonly MethodInfo s_countItems = typeof(ChainTargets).GetMethod(nameof(ChainTargets.CountItems))!;

    private static string Limit => $"cycle or nesting deeper than {SerializationLimits.MaxDepth}";

    // F5: arguments, through the contractless formatter (DepthGuardFormatter).
    [Fact]
    public void EncodeArguments_CyclicArgument_ThrowsArgumentExceptionNamingTheLimit()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeArguments(s_length, [Chain.Cycle()]));

        Assert.Contains("Argument 0 ('chain')", error.Message, StringComparison.Ordinal);
        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
    }

    // F5: an object-typed argument goes through ProcessReferenceFormatter<object> and RuntimeTypeObjectFormatter.
    [Fact]
    public void EncodeArguments_CycleThroughObject_ThrowsArgumentException()
    {
        var list = new List<object>();
        list.Add(list);

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeArguments(s_countItems, [list]));
        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
    }

    // F5: map items use the formatter directly (no MessagePackSerializer wrapping).
    [Fact]
    public void EncodeItems_CyclicItem_ThrowsGivingItsIndex()
    {
        ParameterInfo parameter = s_length.GetParameters()[0];

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeItems<Chain>([Chain.Build(3), Chain.Cycle()], parameter, firstIndex: 10));

        Assert.Contains("Item 11", error.Message, StringComparison.Ordinal);
        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
    }

    // F5: results are written unwrapped, so the worker reports the real cause.
    [Fact]
    public void WriteValue_CyclicResult_ThrowsInvalidOperationException()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new MessagePackWriter(new ArrayBufferWriter<byte>());
            WorkerArgumentCodec.WriteValue(ref writer, typeof(Chain), Chain.Cycle());
        });

        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
    }

    // Reading: MessagePack's limit (500), same as writing; the argument decoder wraps it.
    [Fact]
    public void DecodeArguments_TenThousandLevels_ThrowsSerializationException()
        => Assert.Throws<MessagePackSerializationException>(() => WorkerArgumentCodec.DecodeArguments(s_length.GetParameters(), Arguments(NestedBytes.Chain(Deep))));

    [Fact]
    public void ReadValue_TenThousandLevelsAsObject_ThrowsSerializationException()
        => Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(Value(NestedBytes.Arrays(Deep)));
            WorkerArgumentCodec.ReadValue(ref reader, typeof(object));
        });

    // SharedArrayFormatter has a fixed shape [name, size, length, reference]: deep data is refused at the first level.
    [Fact]
    public void ReadValue_TenThousandLevelsAsSharedArray_ThrowsSerializationException()
        => Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(Value(NestedBytes.Arrays(Deep)));
            WorkerArgumentCodec.ReadValue(ref reader, typeof(SharedArray<int>));
        });

    // The map results fast path used to let MessagePack's InsufficientExecutionStackException escape
    // the pool's handlers, which only expect MessagePackSerializationException.
    [Fact]
    public void DecodeResults_TenThousandLevels_ThrowsSerializationException()
    {
        byte[] encoded = Arguments(NestedBytes.Chain(Deep));

        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(() => WorkerArgumentCodec.DecodeResults<Chain>(encoded, typeof(Chain), new Chain[1]));
        Assert.Contains($"deeper than {SerializationLimits.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    // A value flagged as holding references is walked before it is decoded: the walk has the same limit.
    [Fact]
    public void DecodeArguments_TenThousandLevelsFlaggedWithReferences_RefusedByThePrePass()
    {
        byte[] flagged = Arguments(NestedBytes.Arrays(Deep));
        flagged[0] = MessagePackCode.True;

        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(() => WorkerArgumentCodec.DecodeArguments(s_length.GetParameters(), flagged));
        Assert.Contains($"deeper than {SerializationLimits.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeResults_AtTheLimit_RoundTrips()
    {
        ParameterInfo parameter = s_length.GetParameters()[0];
        byte[] encoded = WorkerArgumentCodec.EncodeItems<Chain>([Chain.Build(SerializationLimits.MaxDepth)], parameter, firstIndex: 0);
        var decoded = new Chain[1];

        WorkerArgumentCodec.DecodeResults<Chain>(encoded, typeof(Chain), decoded);

        Assert.Equal(SerializationLimits.MaxDepth, decoded[0].Length());
    }

    // F5 end to end: a worker whose result is cyclic reports an error; it used to die of a stack overflow.
    [Fact(Timeout = 60_000)]
    public async Task WorkerProcess_CyclicResult_FaultsWithTheWorkersError()
    {
        CancellationToken timeout = TestTimeout.Token(45);
        await using WorkerProcess<Chain> worker = WorkerProcess.Start(ChainTargets.CyclicChain);

        // The worker's InvalidOperationException arrives as itself (one remote-error codec for workers and managers).
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Result.WaitAsync(timeout));

        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
        await worker.WaitForExitAsync(timeout);
        Assert.Equal(1, worker.ExitCode);
    }

    // F5 end to end: a cyclic argument is refused before any process starts.
    [Fact]
    public void WorkerProcess_CyclicArgument_ThrowsBeforeStarting()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerProcess.Start(ChainTargets.Length, Chain.Cycle()));

        Assert.Contains(Limit, error.Message, StringComparison.Ordinal);
    }

    // F5 end to end: a pool worker answers a cyclic result with an error and keeps serving.
    [Fact(Timeout = 60_000)]
    public async Task ProcessPool_CyclicResult_FailsThatTaskAndTheWorkerKeepsServing()
    {
        CancellationToken timeout = TestTimeout.Token(45);
        ProcessPool pool = await ProcessPool.StartAsync(1, cancellationToken: timeout);
        await using (PoolGuard.For(pool))
        {
            InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.ApplyAsync(ChainTargets.CyclicChain, timeout));
            Assert.Contains(Limit, error.Message, StringComparison.Ordinal);

            Assert.Equal(42, await pool.ApplyAsync(ChainTargets.Answer, timeout));
            Assert.Equal(200, (await pool.ApplyAsync(ChainTargets.Echo, Chain.Build(200), timeout)).Length());
        }
    }

    // Every value on the worker channel starts with its "holds references" flag (false here).
    private static byte[] Arguments(byte[] value) => [MessagePackCode.False, 0x91, .. value];

    private static byte[] Value(byte[] value) => [MessagePackCode.False, .. value];
}
