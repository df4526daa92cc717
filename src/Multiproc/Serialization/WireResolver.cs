using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// The resolver of one connection: contractless MessagePack for data, references for shared objects.
/// </summary>
/// <remarks>
/// Only declared types are decoded; no type names are read from the wire. One instance per
/// connection because the reference codec is bound to that connection. Formatters of types that
/// can nest are wrapped in <see cref="DepthGuardFormatter{T}"/>: a cyclic or too deep value fails
/// to write with <see cref="InvalidOperationException"/> instead of overflowing the stack.
/// </remarks>
internal sealed class WireResolver : IFormatterResolver
{
    private readonly IReferenceCodec _codec;
    private readonly ConcurrentDictionary<Type, object?> _formatters = new();

    public WireResolver(IReferenceCodec codec)
    {
        _codec = codec;
    }

    public IMessagePackFormatter<T>? GetFormatter<T>()
        => (IMessagePackFormatter<T>?)_formatters.GetOrAdd(typeof(T), static (_, codec) => Create<T>(codec), _codec);

    private static object? Create<T>(IReferenceCodec codec)
    {
        Type type = typeof(T);
        if (codec.GetSideFormatter<T>() is { } side)
        {
            return side;
        }

        if (type == typeof(OpaquePythonValue))
        {
            return OpaquePythonValueFormatter.Instance;
        }

        if (type.IsInterface || type == typeof(object))
        {
            IMessagePackFormatter<T> inner = type == typeof(object)
                ? (IMessagePackFormatter<T>)(object)RuntimeTypeObjectFormatter.Instance
                : DataFormatters.ByValueOnFirstUse<T>();
            return new ReferenceAwareFormatter<T>(codec, inner);
        }

        return DataFormatters.ByValue<T>();
    }
}
