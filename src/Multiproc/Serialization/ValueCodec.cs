using System.Collections.Concurrent;
using System.Reflection;
using MessagePack;

namespace Multiproc.Serialization;

/// <summary>Reads one value of a known type from a MessagePack reader.</summary>
internal delegate object? ValueReader(ref MessagePackReader reader, MessagePackSerializerOptions options);

/// <summary>Writes one value of a known type to a MessagePack writer.</summary>
internal delegate void ValueWriter(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options);

/// <summary>
/// Untyped read/write delegates per type, built once, so dispatch tables can encode and decode
/// arguments and results without reflection per call.
/// </summary>
internal static class ValueCodec
{
    private static readonly ConcurrentDictionary<Type, ValueReader> s_readers = new();
    private static readonly ConcurrentDictionary<Type, ValueWriter> s_writers = new();
    private static readonly MethodInfo s_readMethod = typeof(ValueCodec).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo s_writeMethod = typeof(ValueCodec).GetMethod(nameof(Write), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static ValueReader GetReader(Type type)
        => s_readers.GetOrAdd(type, static t => s_readMethod.MakeGenericMethod(t).CreateDelegate<ValueReader>());

    public static ValueWriter GetWriter(Type type)
        => s_writers.GetOrAdd(type, static t => s_writeMethod.MakeGenericMethod(t).CreateDelegate<ValueWriter>());

    /// <summary>The error for data nested deeper than MessagePack's decode limit, named as a serialization failure.</summary>
    public static MessagePackSerializationException TooDeepToRead(Type type, InsufficientExecutionStackException cause)
        => new($"{type.Name} data nests deeper than {SerializationLimits.MaxDepth} levels.", cause);

    private static object? Read<T>(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        try
        {
            return options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
        }
        catch (InsufficientExecutionStackException ex)
        {
            // MessagePack reports its depth limit with this type; callers handle serialization failures.
            throw TooDeepToRead(typeof(T), ex);
        }
    }

    private static void Write<T>(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
        => options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, (T)value!, options);
}
