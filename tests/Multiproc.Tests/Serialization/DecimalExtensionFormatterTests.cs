using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Serialization;

namespace Multiproc.Tests.Serialization;

/// <summary>A decimal travels as extension 45 so untyped readers (object, Python clients) get a decimal, not a string.</summary>
public sealed class DecimalExtensionFormatterTests
{
    private static readonly MessagePackSerializerOptions s_options = WireOptions.Create(new Multiproc.Tests.Hardening.NoReferenceCodec());

    [Theory]
    [InlineData("12.50")]
    [InlineData("-0.001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("0")]
    public void ADecimal_RoundTripsTyped_AndReadsAsADecimalWhenUntyped_WithItsScale(string digits)
    {
        decimal value = decimal.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

        byte[] bytes = MessagePackSerializer.Serialize(value, s_options);

        Assert.Equal(MessagePackType.Extension, new MessagePackReader(bytes).NextMessagePackType);
        Assert.Equal(value, MessagePackSerializer.Deserialize<decimal>(bytes, s_options));
        object? untyped = MessagePackSerializer.Deserialize<object>(bytes, s_options);
        Assert.Equal(digits, Assert.IsType<decimal>(untyped).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void DecimalsInsideValues_AndNullableDecimals_UseTheExtensionToo()
    {
        byte[] list = MessagePackSerializer.Serialize(new List<decimal> { 1.5m }, s_options);
        byte[] nullable = MessagePackSerializer.Serialize<decimal?>(2.25m, s_options);

        object?[] untyped = Assert.IsType<object?[]>(MessagePackSerializer.Deserialize<object>(list, s_options));
        Assert.Equal(1.5m, Assert.IsType<decimal>(untyped[0]));
        Assert.Equal(2.25m, MessagePackSerializer.Deserialize<decimal?>(nullable, s_options));
        Assert.Null(MessagePackSerializer.Deserialize<decimal?>(MessagePackSerializer.Serialize<decimal?>(null, s_options), s_options));
    }

    [Fact]
    public void TheStringFormMessagePackWrites_StillReadsAsADecimal()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        DecimalFormatter.Instance.Serialize(ref writer, 3.75m, MessagePackSerializerOptions.Standard);
        writer.Flush();

        Assert.Equal(3.75m, MessagePackSerializer.Deserialize<decimal>(buffer.WrittenMemory, s_options));
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("")]
    public void AnExtensionWithoutDigits_IsASerializationError(string payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(payload);
        writer.WriteExtensionFormat(new ExtensionResult(ExtensionCodes.Decimal, utf8));
        writer.Flush();

        Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<decimal>(buffer.WrittenMemory, s_options));
    }

    [Fact]
    public void AnOversizedExtension_IsASerializationError()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteExtensionFormat(new ExtensionResult(ExtensionCodes.Decimal, new byte[DecimalExtensionFormatter.MaxDigits + 1]));
        writer.Flush();

        Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<object>(buffer.WrittenMemory, s_options));
    }
}
