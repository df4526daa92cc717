using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>Writes values of untyped calls (<see cref="SharedObject.InvokeAsync{T}(string, object?[])"/>, dynamic namespaces) by their runtime type.</summary>
internal static class UntypedValue
{
    /// <summary>Writes a value by its runtime type (null as nil); a handle or proxy travels as a reference.</summary>
    public static void Write(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        Type type = value is SharedObject ? typeof(SharedObject) : value is IProxy ? typeof(object) : value.GetType();
        ValueCodec.GetWriter(type)(ref writer, value, options);
    }
}
