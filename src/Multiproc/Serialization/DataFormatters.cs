using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Multiproc.Serialization;

/// <summary>
/// Where the formatters for plain data come from, for every resolver of the library (a connection's,
/// the worker channel's), and the serializer options around them.
/// </summary>
/// <remarks>
/// Start-up cost decides the order (docs/performance.md): MessagePack's built-in formatters
/// (primitives, strings, byte arrays) cost nothing to find, while touching the standard or
/// contractless resolver costs a process 30–60 ms the first time (their static initialization
/// and Reflection.Emit). So built-ins come first, the contractless resolver is consulted only for
/// the types built-ins lack, and an interface type's by-value formatter is looked up only when a
/// value that is not a proxy is actually sent as that interface.
/// </remarks>
internal static class DataFormatters
{
    /// <summary>Creates options over <paramref name="resolver"/> for data from another process, without touching the standard resolver.</summary>
    /// <remarks>UntrustedData: hash-flooding resistant dictionaries and a depth limit.</remarks>
    public static MessagePackSerializerOptions CreateOptions(IFormatterResolver resolver)
        => new MessagePackSerializerOptions(resolver).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Gets the formatter for <typeparamref name="T"/> sent by value, wrapped in the depth guard; null when there is none.</summary>
    public static IMessagePackFormatter<T>? ByValue<T>()
        => DepthGuardFormatter<T>.Wrap(
            CommonFormatters.TryGet<T>() ?? CommonFormatters.TryGetCollection<T>()
            ?? BuiltinResolver.Instance.GetFormatter<T>() ?? ContractlessStandardResolver.Instance.GetFormatter<T>());

    /// <summary>Gets a formatter for interface <typeparamref name="T"/> sent by value that finds the real one on first use.</summary>
    public static IMessagePackFormatter<T> ByValueOnFirstUse<T>() => DeferredFormatter<T>.Instance;

    private sealed class DeferredFormatter<T> : IMessagePackFormatter<T>
    {
        public static readonly DeferredFormatter<T> Instance = new();

        public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }

            IMessagePackFormatter<T> formatter = Resolved.Formatter
                ?? throw new MessagePackSerializationException(
                    $"A {value.GetType().Name} passed as {typeof(T).Name} is not a shared object proxy and {typeof(T).Name} cannot be sent by value.");
            formatter.Serialize(ref writer, value, options);
        }

        public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            if (reader.TryReadNil())
            {
                return default!;
            }

            IMessagePackFormatter<T> formatter = Resolved.Formatter
                ?? throw new MessagePackSerializationException($"Expected a shared object reference for {typeof(T).Name}.");
            return formatter.Deserialize(ref reader, options);
        }

        // A static constructor, so the lookup runs at the first use of Formatter and not when a method that names it is compiled.
        private static class Resolved
        {
            public static readonly IMessagePackFormatter<T>? Formatter;

            static Resolved()
            {
                Formatter = ByValue<T>();
            }
        }
    }
}
