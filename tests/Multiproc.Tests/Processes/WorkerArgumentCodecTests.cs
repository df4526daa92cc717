using System.Reflection;
using Multiproc.Processes.Channel;

namespace Multiproc.Tests.Processes;

/// <summary>Unit tests (in-process) for the argument, item and result encoding.</summary>
public sealed class WorkerArgumentCodecTests
{
    private static readonly MethodInfo s_sumAll = typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.SumAll))!;
    private static readonly MethodInfo s_invokeCallback = typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.InvokeCallback))!;
    private static readonly MethodInfo s_move = typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.Move))!;

    [Fact]
    public void DecodeArguments_ArraysClassesStringsAndNumbers_RoundTrip()
    {
        var payload = new Payload { Name = "n", Values = [7, 8] };

        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_sumAll, [new[] { 1, 2 }, payload, "label", 9L]);
        object?[] decoded = WorkerArgumentCodec.DecodeArguments(s_sumAll.GetParameters(), encoded);

        Assert.Equal(new[] { 1, 2 }, decoded[0]);
        Assert.Equal("n", Assert.IsType<Payload>(decoded[1]).Name);
        Assert.Equal(new[] { 7, 8 }, ((Payload)decoded[1]!).Values);
        Assert.Equal("label", decoded[2]);
        Assert.Equal(9L, decoded[3]);
    }

    [Fact]
    public void DecodeArguments_Record_RoundTrips()
    {
        byte[] encoded = WorkerArgumentCodec.EncodeArguments(s_move, [new Point(1, 2), 3, 4]);

        Assert.Equal(new Point(1, 2), WorkerArgumentCodec.DecodeArguments(s_move.GetParameters(), encoded)[0]);
    }

    [Fact]
    public void EncodeArguments_DelegateArgument_ThrowsNamingIndexAndParameter()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeArguments(s_invokeCallback, [(Action)(() => { }), 1]));

        Assert.Equal("arg1", error.ParamName);
        Assert.Contains("Argument 0 ('callback')", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(WorkerTargets.InvokeCallback), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeArguments_PlainObjectAsAnInterfaceWithoutFormatter_ThrowsInsteadOfSendingNull()
    {
        MethodInfo takeShape = typeof(WorkerArgumentCodecTests).GetMethod(nameof(TakeShape), BindingFlags.NonPublic | BindingFlags.Static)!;

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeArguments(takeShape, [new SquareShape()]));

        Assert.Contains("is not a shared object proxy", error.Message, StringComparison.Ordinal);
        Assert.Equal("arg1", error.ParamName);
    }

    [Fact]
    public void EncodeArguments_NullAsAnInterface_RoundTrips()
    {
        MethodInfo takeShape = typeof(WorkerArgumentCodecTests).GetMethod(nameof(TakeShape), BindingFlags.NonPublic | BindingFlags.Static)!;

        byte[] encoded = WorkerArgumentCodec.EncodeArguments(takeShape, [null]);

        Assert.Null(WorkerArgumentCodec.DecodeArguments(takeShape.GetParameters(), encoded)[0]);
    }

    [Fact]
    public void DecodeResults_EncodedItems_RoundTrip()
    {
        ParameterInfo parameter = typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.Square))!.GetParameters()[0];
        int[] items = [3, -1, int.MaxValue, 0];

        byte[] encoded = WorkerArgumentCodec.EncodeItems<int>(items, parameter, firstIndex: 0);
        int[] decoded = new int[items.Length];
        WorkerArgumentCodec.DecodeResults<int>(encoded, typeof(int), decoded);

        Assert.Equal(items, decoded);
    }

    [Fact]
    public void EncodeItems_UnserializableItem_ThrowsGivingItsIndex()
    {
        ParameterInfo parameter = typeof(WorkerTargets).GetMethod(nameof(WorkerTargets.ReadStream))!.GetParameters()[0];
        using var stream = new MemoryStream();

        ArgumentException error = Assert.Throws<ArgumentException>(() => WorkerArgumentCodec.EncodeItems<Stream>([stream], parameter, firstIndex: 40));

        Assert.Contains("Item 40", error.Message, StringComparison.Ordinal);
    }

    private static int TakeShape(IShape? shape) => shape?.Sides ?? 0;

    public interface IShape
    {
        int Sides { get; }
    }

    public sealed class SquareShape : IShape
    {
        public int Sides => 4;
    }
}
