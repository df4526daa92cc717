using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Wraps the formatter of a type that can contain other values and counts one level of nesting
/// around each value it writes (<see cref="WriteDepth"/>).
/// </summary>
/// <remarks>
/// Nested values reach their formatters through <c>options.Resolver</c>, so wrapping what the
/// resolver hands out covers every level. Reading is left to MessagePack's own depth limit
/// (the same <see cref="SerializationLimits.MaxDepth"/>).
/// </remarks>
internal sealed class DepthGuardFormatter<T> : IMessagePackFormatter<T>
{
    private readonly IMessagePackFormatter<T> _inner;

    private DepthGuardFormatter(IMessagePackFormatter<T> inner)
    {
        _inner = inner;
    }

    /// <summary>Returns <paramref name="inner"/> guarded, or unchanged when <typeparamref name="T"/> cannot nest.</summary>
    public static IMessagePackFormatter<T>? Wrap(IMessagePackFormatter<T>? inner)
        => inner is null || CannotNest(typeof(T)) ? inner : new DepthGuardFormatter<T>(inner);

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            // Nil is no level: reading counts only the objects and collections present.
            _inner.Serialize(ref writer, value, options);
            return;
        }

        WriteDepth.Enter(typeof(T));
        try
        {
            _inner.Serialize(ref writer, value, options);
        }
        finally
        {
            WriteDepth.Exit();
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => _inner.Deserialize(ref reader, options);

    // Scalars are left unwrapped so the common cases (numbers, strings) cost nothing.
    private static bool CannotNest(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain.IsPrimitive || plain.IsEnum || plain == typeof(string) || plain == typeof(decimal)
            || plain == typeof(DateTime) || plain == typeof(DateTimeOffset) || plain == typeof(TimeSpan)
            || plain == typeof(Guid) || plain == typeof(byte[]);
    }
}
