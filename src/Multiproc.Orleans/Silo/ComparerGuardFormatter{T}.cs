using System.Linq.Expressions;
using System.Reflection;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// Writes a collection of type <typeparamref name="T"/> (a dictionary, a set, a sorted one) through its usual
/// formatter, after checking that its comparers are those it would get back when read.
/// </summary>
/// <remarks>
/// Accepted: the default comparer of the key type, <see cref="StringComparer.Ordinal"/> for string keys (it behaves as
/// the default), and the collision-resistant comparer MessagePack gives a dictionary or set it reads from untrusted data
/// (what a restored collection holds). Anything else, <see cref="StringComparer.OrdinalIgnoreCase"/> or a comparer of the
/// user's, throws: reading it back would silently change which keys are equal or how they sort.
/// </remarks>
internal sealed class ComparerGuardFormatter<T>(IMessagePackFormatter<T> inner) : IMessagePackFormatter<T>
{
    /// <summary>Gets the comparer properties of <typeparamref name="T"/> (Comparer, KeyComparer, ValueComparer); empty for other types.</summary>
    internal static readonly ComparerProperty[] Comparers = Find();

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is not null)
        {
            foreach (ComparerProperty property in Comparers)
            {
                object? comparer = property.Get(value);
                if (comparer is not null && !property.IsDefault(comparer))
                {
                    throw new InvalidOperationException(
                        $"it holds a {Describe(typeof(T))} whose {property.Name} is a {comparer.GetType().Name}: an image keeps the items, not the comparer, "
                        + "so it would come back with the default one. Use the default comparer (normalize the keys instead), or keep the object's type in memory (Volatile<TContract>())");
                }
            }
        }

        inner.Serialize(ref writer, value, options);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) => inner.Deserialize(ref reader, options);

    private static ComparerProperty[] Find()
    {
        if (!typeof(T).IsGenericType || typeof(T).Namespace is not ("System.Collections.Generic" or "System.Collections.Concurrent" or "System.Collections.Immutable"))
        {
            return [];
        }

        return [.. typeof(T).GetProperties(BindingFlags.Instance | BindingFlags.Public)
            .Where(p => p.Name is "Comparer" or "KeyComparer" or "ValueComparer" && p.PropertyType.IsGenericType && p.GetIndexParameters().Length == 0)
            .Where(p => p.PropertyType.GetGenericTypeDefinition() == typeof(IEqualityComparer<>) || p.PropertyType.GetGenericTypeDefinition() == typeof(IComparer<>))
            .Select(p => new ComparerProperty(p))];
    }

    private static string Describe(Type type)
        => type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>" : type.Name;

    /// <summary>One comparer property of <typeparamref name="T"/>: a compiled getter and the comparer types it may hold.</summary>
    internal sealed class ComparerProperty
    {
        private readonly Func<T, object?> _get;
        private readonly Type[] _defaultTypes;

        public ComparerProperty(PropertyInfo property)
        {
            Name = property.Name;
            ParameterExpression collection = Expression.Parameter(typeof(T), "collection");
            _get = Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(collection, property), typeof(object)), collection).Compile();
            Type item = property.PropertyType.GetGenericArguments()[0];
            if (property.PropertyType.GetGenericTypeDefinition() == typeof(IComparer<>))
            {
                _defaultTypes = [DefaultOf(typeof(Comparer<>), item).GetType()];
            }
            else
            {
                _defaultTypes = [.. new[] { DefaultOf(typeof(EqualityComparer<>), item), UntrustedHashing.ComparerFor(item), item == typeof(string) ? StringComparer.Ordinal : null }
                    .OfType<object>().Select(c => c.GetType())];
            }
        }

        public string Name { get; }

        public object? Get(T collection) => _get(collection);

        // By type: these comparers hold no settings of their own.
        public bool IsDefault(object comparer) => Array.IndexOf(_defaultTypes, comparer.GetType()) >= 0;

        private static object DefaultOf(Type comparer, Type item)
            => comparer.MakeGenericType(item).GetProperty("Default", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }
}
