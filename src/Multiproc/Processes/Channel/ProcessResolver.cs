using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The resolver for values sent between processes outside a manager connection (worker arguments,
/// results, pool items): contractless MessagePack, with proxies handed over as references.
/// </summary>
/// <remarks>
/// Formatters of types that can nest are wrapped in <see cref="DepthGuardFormatter{T}"/>, as on a
/// manager connection: a cyclic or too deep value fails to write with <see cref="InvalidOperationException"/>.
/// </remarks>
internal sealed class ProcessResolver : IFormatterResolver
{
    public static readonly ProcessResolver Instance = new();

    public static readonly MessagePackSerializerOptions Options = DataFormatters.CreateOptions(Instance);

    private readonly ConcurrentDictionary<Type, object?> _formatters = new();

    public IMessagePackFormatter<T>? GetFormatter<T>()
        => (IMessagePackFormatter<T>?)_formatters.GetOrAdd(typeof(T), static _ => Create<T>());

    private static object? Create<T>()
    {
        Type type = typeof(T);
        if (type == typeof(SharedObject))
        {
            return new ProcessReferenceFormatter<T>(null);
        }

        if (type.IsInterface || type == typeof(object))
        {
            IMessagePackFormatter<T> inner = type == typeof(object)
                ? (IMessagePackFormatter<T>)(object)RuntimeTypeObjectFormatter.Instance
                : DataFormatters.ByValueOnFirstUse<T>();
            return new ProcessReferenceFormatter<T>(inner);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SharedArray<>))
        {
            return Activator.CreateInstance(typeof(SharedArrayFormatter<>).MakeGenericType(type.GetGenericArguments()));
        }

        return DataFormatters.ByValue<T>();
    }
}
