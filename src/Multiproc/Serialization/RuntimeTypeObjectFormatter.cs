using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Formatter for values declared as <see cref="object"/>: written by their runtime type, read back
/// as primitives, lists, maps and Python objects only (never as a type named on the wire).
/// </summary>
internal sealed class RuntimeTypeObjectFormatter : IMessagePackFormatter<object?>
{
    public static readonly RuntimeTypeObjectFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        Type type = value.GetType();
        if (type == typeof(object))
        {
            writer.WriteMapHeader(0);
            return;
        }

        ValueCodec.GetWriter(type)(ref writer, value, options);
    }

    /// <remarks>A Python object a Python client stored reads as an <see cref="OpaquePythonValue"/>, a decimal as a <see cref="decimal"/>.</remarks>
    public object? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => OpaquePythonValueFormatter.IsNext(ref reader) ? OpaquePythonValueFormatter.Instance.Deserialize(ref reader, options)
            : DecimalExtensionFormatter.IsNext(ref reader) ? DecimalExtensionFormatter.ReadExtension(ref reader)
            : PrimitiveObjectFormatter.Instance.Deserialize(ref reader, options);
}
