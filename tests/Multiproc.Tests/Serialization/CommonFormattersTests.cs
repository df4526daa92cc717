using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Multiproc.Serialization;

namespace Multiproc.Tests.Serialization;

/// <summary>
/// <see cref="CommonFormatters"/> skips <see cref="BuiltinResolver"/>'s static table at start-up; it
/// must hand out exactly the formatter the built-in resolver would, so nothing on the wire changes.
/// </summary>
public sealed class CommonFormattersTests
{
    [Fact]
    public void EachCommonType_GetsTheBuiltInResolversOwnInstance()
    {
        AssertSameAsBuiltIn<long>();
        AssertSameAsBuiltIn<int>();
        AssertSameAsBuiltIn<string>();
        AssertSameAsBuiltIn<bool>();
        AssertSameAsBuiltIn<double>();
        AssertSameAsBuiltIn<byte[]>();
        AssertSameAsBuiltIn<float>();
        AssertSameAsBuiltIn<short>();
        AssertSameAsBuiltIn<byte>();
        AssertSameAsBuiltIn<uint>();
        AssertSameAsBuiltIn<ulong>();
        AssertSameAsBuiltIn<char>();
        AssertSameAsBuiltIn<DateTime>();
        AssertSameAsBuiltIn<Guid>();
        AssertSameAsBuiltIn<TimeSpan>();
        AssertSameAsBuiltIn<long[]>();
        AssertSameAsBuiltIn<int[]>();
        AssertSameAsBuiltIn<string[]>();
    }

    [Fact]
    public void Decimal_AndItsNullableForm_AreWrittenAsTheDecimalExtension()
    {
        Assert.Same(DecimalExtensionFormatter.Instance, CommonFormatters.TryGet<decimal>());
        Assert.NotNull(CommonFormatters.TryGet<decimal?>());
    }

    [Fact]
    public void OtherTypes_AreLeftToTheResolvers()
    {
        Assert.Null(CommonFormatters.TryGet<long?>());
        Assert.Null(CommonFormatters.TryGet<List<long>>());
        Assert.Null(CommonFormatters.TryGet<object>());
        Assert.Null(CommonFormatters.TryGet<DateTimeOffset>());
    }

    [Fact]
    public void ArraysAndLists_GetTheFormatterTheStandardResolversWouldMake_AndWriteTheSameBytes()
    {
        AssertSameAsStandard(new[] { new Point(1, 2), new Point(3, 4) });
        AssertSameAsStandard(new object?[] { 1L, "two", null });
        AssertSameAsStandard(new List<long> { 1, 2, 3 });
        AssertSameAsStandard(new List<string> { "a", "b" });
        AssertSameAsStandard(new List<Point> { new(5, 6) });
        AssertSameAsStandard(new[] { new[] { "a" }, new[] { "b", "c" } });
    }

    [Fact]
    public void ArraysWithTheirOwnFormatters_AndOtherTypes_AreLeftToTheResolvers()
    {
        Assert.Null(CommonFormatters.TryGetCollection<byte[]>());
        Assert.Null(CommonFormatters.TryGetCollection<double[]>());
        Assert.Null(CommonFormatters.TryGetCollection<string[]>());
        Assert.Null(CommonFormatters.TryGetCollection<DateTime[]>());
        Assert.Null(CommonFormatters.TryGetCollection<int[,]>());
        Assert.Null(CommonFormatters.TryGetCollection<Dictionary<string, int>>());
        Assert.Null(CommonFormatters.TryGetCollection<Point>());
    }

    private static void AssertSameAsStandard<T>(T value)
    {
        IMessagePackFormatter<T>? common = CommonFormatters.TryGetCollection<T>();
        IMessagePackFormatter<T> standard = ContractlessStandardResolver.Instance.GetFormatter<T>()!;

        Assert.NotNull(common);
        Assert.Equal(standard.GetType(), common.GetType());
        MessagePackSerializerOptions options = ContractlessStandardResolver.Options;
        Assert.Equal(Write(standard, value, options), Write(common, value, options));
    }

    private static byte[] Write<T>(IMessagePackFormatter<T> formatter, T value, MessagePackSerializerOptions options)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        formatter.Serialize(ref writer, value, options);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public sealed record Point(int X, int Y);

    private static void AssertSameAsBuiltIn<T>()
    {
        IMessagePackFormatter<T>? common = CommonFormatters.TryGet<T>();

        Assert.NotNull(common);
        Assert.Same(BuiltinResolver.Instance.GetFormatter<T>(), common);
    }
}
