using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// MessagePack's own formatters for the types most values are made of, found without
/// <see cref="MessagePack.Resolvers.BuiltinResolver"/>.
/// </summary>
/// <remarks>
/// The first lookup in <see cref="MessagePack.Resolvers.BuiltinResolver"/> builds its whole static
/// table: about 75 formatter instances, each one a type and a constructor the JIT compiles
/// (MessagePack ships without ReadyToRun code). A new worker that sends a <c>long</c> paid that,
/// about 150 methods, before its first call (docs/performance.md). Each type here maps to the same
/// instance the built-in resolver returns for it, so what is written and read does not change, except
/// <see cref="decimal"/> (<see cref="DecimalExtensionFormatter"/>).
/// </remarks>
internal static class CommonFormatters
{
    // A decimal is the one type here written differently from MessagePack's built-in formatter (an extension, so
    // untyped readers tell it from a string); its nullable form must follow, or a decimal? field would be a string.
    private static readonly StaticNullableFormatter<decimal> s_nullableDecimal = new(DecimalExtensionFormatter.Instance);

    /// <summary>Gets MessagePack's built-in formatter for <typeparamref name="T"/> when it is a common primitive; null otherwise.</summary>
    public static IMessagePackFormatter<T>? TryGet<T>()
    {
        object? formatter = typeof(T) == typeof(long) ? Int64Formatter.Instance
            : typeof(T) == typeof(int) ? Int32Formatter.Instance
            : typeof(T) == typeof(string) ? NullableStringFormatter.Instance
            : typeof(T) == typeof(bool) ? BooleanFormatter.Instance
            : typeof(T) == typeof(double) ? DoubleFormatter.Instance
            : typeof(T) == typeof(byte[]) ? ByteArrayFormatter.Instance
            : typeof(T) == typeof(float) ? SingleFormatter.Instance
            : typeof(T) == typeof(short) ? Int16Formatter.Instance
            : typeof(T) == typeof(byte) ? ByteFormatter.Instance
            : typeof(T) == typeof(uint) ? UInt32Formatter.Instance
            : typeof(T) == typeof(ulong) ? UInt64Formatter.Instance
            : typeof(T) == typeof(char) ? CharFormatter.Instance
            : typeof(T) == typeof(DateTime) ? DateTimeFormatter.Instance
            : typeof(T) == typeof(Guid) ? GuidFormatter.Instance
            : typeof(T) == typeof(decimal) ? DecimalExtensionFormatter.Instance
            : typeof(T) == typeof(decimal?) ? s_nullableDecimal
            : typeof(T) == typeof(TimeSpan) ? TimeSpanFormatter.Instance
            : typeof(T) == typeof(long[]) ? Int64ArrayFormatter.Instance
            : typeof(T) == typeof(int[]) ? Int32ArrayFormatter.Instance
            : typeof(T) == typeof(string[]) ? NullableStringArrayFormatter.Instance
            : null;
        return (IMessagePackFormatter<T>?)formatter;
    }

    /// <summary>
    /// Gets the formatter of a one-dimensional array or a <see cref="List{T}"/> as MessagePack's
    /// resolvers would make it (<see cref="ArrayFormatter{T}"/>, <see cref="ListFormatter{T}"/>, whose
    /// elements are written by the options' resolver); null for any other type, and for arrays of
    /// primitives, strings and dates, which have formatters of their own.
    /// </summary>
    /// <remarks>
    /// Without it an array of a protocol type (a server's <c>EncodedValue[]</c>) woke the standard
    /// resolvers: their static initialization and Reflection.Emit cost a starting manager process
    /// tens of milliseconds (docs/performance.md).
    /// </remarks>
    public static IMessagePackFormatter<T>? TryGetCollection<T>()
    {
        Type type = typeof(T);
        Type? element = type.IsSZArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
            : null;
        if (element is null || (type.IsArray && (element.IsPrimitive || element == typeof(string) || element == typeof(DateTime))))
        {
            return null;
        }

        Type formatter = (type.IsArray ? typeof(ArrayFormatter<>) : typeof(ListFormatter<>)).MakeGenericType(element);
        return (IMessagePackFormatter<T>)Activator.CreateInstance(formatter)!;
    }
}
