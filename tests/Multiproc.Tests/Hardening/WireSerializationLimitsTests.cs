using System.Buffers;
using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Unit tests (in-process) of the manager protocol's formatters and of <see cref="ReferenceScanner"/>:
/// a cycle fails to write with a typed error, and 10,000 levels of nesting fail to read, neither
/// touching the stack limit.
/// </summary>
/// <remarks>
/// On the old code the cycle tests end the test host with a stack overflow (F5): there was no
/// write-side limit at all.
/// </remarks>
public sealed class WireSerializationLimitsTests
{
    private const int Deep = 10_000;

    private static readonly MessagePackSerializerOptions s_options = WireOptions.Create(new NoReferenceCodec());

    // F5: the contractless formatter of a user class (wrapped by DepthGuardFormatter).
    [Fact]
    public void Write_CyclicClass_ThrowsNamingTypeAndLimit()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => Write<Chain>(Chain.Cycle()));

        Assert.Contains("Chain", error.Message, StringComparison.Ordinal);
        Assert.Contains($"cycle or nesting deeper than {SerializationLimits.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    // F5: ReferenceAwareFormatter<object> and RuntimeTypeObjectFormatter (a list that contains itself).
    [Fact]
    public void Write_CycleThroughObject_Throws()
    {
        var list = new List<object>();
        list.Add(list);

        Assert.Throws<InvalidOperationException>(() => Write<object>(list));
    }

    // F5: ReferenceAwareFormatter<T> of an interface around the contractless collection formatter.
    [Fact]
    public void Write_CycleThroughInterface_Throws()
    {
        var list = new List<object>();
        list.Add(list);

        Assert.Throws<InvalidOperationException>(() => Write<IList<object>>(list));
    }

    // F5: the write limit is the read limit, so whatever can be written can be read back.
    [Fact]
    public void Write_AtTheLimit_RoundTrips_OneMoreLevelIsRefused()
    {
        int limit = SerializationLimits.MaxDepth;

        Assert.Equal(limit, Read<Chain>(Write(Chain.Build(limit))).Length());
        Assert.Throws<InvalidOperationException>(() => Write(Chain.Build(limit + 1)));
        Assert.Throws<MessagePackSerializationException>(() => Read<Chain>(NestedBytes.Chain(limit + 1)));
    }

    // F5: the depth counter unwinds after a failure, so the next value on the same thread is written normally.
    [Fact]
    public void Write_AfterACycle_TheThreadWritesNormally()
    {
        Assert.Throws<InvalidOperationException>(() => Write(Chain.Cycle()));

        Assert.Equal(SerializationLimits.MaxDepth, Read<Chain>(Write(Chain.Build(SerializationLimits.MaxDepth))).Length());
    }

    // F5: a thread with little stack left gets the same error instead of a stack overflow.
    [Fact]
    public void Write_CycleOnASmallStack_ThrowsInsteadOfOverflowing()
    {
        Exception? caught = null;
        var thread = new Thread(() => caught = Record.Exception(() => Write(Chain.Cycle())), maxStackSize: 192 * 1024);
        thread.Start();

        Assert.True(thread.Join(TimeSpan.FromSeconds(20)));
        Assert.IsType<InvalidOperationException>(caught);
    }

    // Reading: MessagePack's own limit, reported as a serialization failure (it used to escape as
    // InsufficientExecutionStackException, which the manager's argument decoder did not recognise).
    [Fact]
    public void Read_TenThousandLevelsAsClass_ThrowsSerializationException()
    {
        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(() => Read<Chain>(NestedBytes.Chain(Deep)));

        Assert.Contains($"deeper than {SerializationLimits.MaxDepth}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TenThousandLevelsAsObject_ThrowsSerializationException()
        => Assert.Throws<MessagePackSerializationException>(() => Read<object>(NestedBytes.Arrays(Deep)));

    [Fact]
    public void Read_TenThousandLevelsAsInterface_ThrowsSerializationException()
        => Assert.Throws<MessagePackSerializationException>(() => Read<IList<object>>(NestedBytes.Arrays(Deep)));

    // F4: the scanner is iterative: a reference 10,000 levels down is found (the old one threw at 64).
    [Fact]
    public void ReferenceScanner_TenThousandLevels_FindsTheReferenceAtTheBottom()
    {
        var reader = new MessagePackReader(NestedBytes.Arrays(Deep, NestedBytes.Reference(7)));

        Assert.Equal([7L], ReferenceScanner.Find(ref reader, int.MaxValue));
        Assert.True(reader.End);
    }

    // F4: with a limit (stored values) the scanner refuses more than the limit, naming it, and accepts the limit itself.
    [Fact]
    public void ReferenceScanner_Limit_AllowsExactlyTheLimit()
    {
        int limit = SerializationLimits.MaxDepth;
        var atLimit = new MessagePackReader(NestedBytes.Arrays(limit, NestedBytes.Reference(3)));
        byte[] tooDeep = NestedBytes.Arrays(Deep);

        Assert.Equal([3L], ReferenceScanner.Find(ref atLimit, limit));
        MessagePackSerializationException error = Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(tooDeep);
            ReferenceScanner.Find(ref reader, limit);
        });
        Assert.Contains($"deeper than {limit} levels", error.Message, StringComparison.Ordinal);
    }

    // The scanner reads exactly one value, in maps and arrays alike, and leaves the reader after it.
    [Fact]
    public void ReferenceScanner_MapsAndSiblings_FindsAllInOrderAndStopsAfterTheValue()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(2);
        writer.Write("a");
        writer.WriteRaw(NestedBytes.Arrays(3, NestedBytes.Reference(1)));
        writer.WriteRaw(NestedBytes.Reference(2));
        writer.WriteArrayHeader(0);
        writer.Write(99);
        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);

        Assert.Equal([1L, 2L], ReferenceScanner.Find(ref reader, 8));
        Assert.Equal(99, reader.ReadInt32());
    }

    private static byte[] Write<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        ValueCodec<T>.Writer(ref writer, value, s_options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static T Read<T>(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        return (T)ValueCodec<T>.Reader(ref reader, s_options)!;
    }
}
