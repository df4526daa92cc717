using System.Collections.Concurrent;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// The resolver an image is written and read with: the silo's wire resolver, except that a collection that orders or
/// hashes its items with a comparer is written only while that comparer is the default (<see cref="ComparerGuardFormatter{T}"/>).
/// </summary>
/// <remarks>
/// A collection's image is its items; read back, it gets the default comparer. One built with
/// <c>StringComparer.OrdinalIgnoreCase</c> would come back case-sensitive with no error, so it is refused when it is
/// written instead, at any depth (MessagePack's collection and object formatters find their items' formatters through
/// the options' resolver, which is this one).
/// </remarks>
internal sealed class ImageResolver(IFormatterResolver wire) : IFormatterResolver
{
    private readonly ConcurrentDictionary<Type, object?> _formatters = new();

    /// <summary>Creates the options images use: <paramref name="wire"/> with this resolver.</summary>
    public static MessagePackSerializerOptions Options(MessagePackSerializerOptions wire)
        => wire.WithResolver(new ImageResolver(wire.Resolver));

    public IMessagePackFormatter<T>? GetFormatter<T>()
        => (IMessagePackFormatter<T>?)_formatters.GetOrAdd(typeof(T), static (_, wire) => Create<T>(wire), wire);

    private static object? Create<T>(IFormatterResolver wire)
    {
        IMessagePackFormatter<T>? inner = wire.GetFormatter<T>();
        return inner is not null && ComparerGuardFormatter<T>.Comparers.Length > 0 ? new ComparerGuardFormatter<T>(inner) : inner;
    }
}
