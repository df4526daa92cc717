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
        AssertSameAsBuiltIn<decimal>();
        AssertSameAsBuiltIn<TimeSpan>();
    }

    [Fact]
    public void OtherTypes_AreLeftToTheResolvers()
    {
        Assert.Null(CommonFormatters.TryGet<long?>());
        Assert.Null(CommonFormatters.TryGet<List<long>>());
        Assert.Null(CommonFormatters.TryGet<object>());
        Assert.Null(CommonFormatters.TryGet<DateTimeOffset>());
    }

    private static void AssertSameAsBuiltIn<T>()
    {
        IMessagePackFormatter<T>? common = CommonFormatters.TryGet<T>();

        Assert.NotNull(common);
        Assert.Same(BuiltinResolver.Instance.GetFormatter<T>(), common);
    }
}
