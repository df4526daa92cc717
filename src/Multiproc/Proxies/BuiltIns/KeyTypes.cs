using System.Reflection;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>Decides which key types encode deterministically, so byte equality is key equality.</summary>
internal static class KeyTypes
{
    /// <exception cref="NotSupportedException">The type cannot be a shared dictionary key.</exception>
    public static void Validate(Type type) => Validate(type, type, 0);

    private static void Validate(Type root, Type type, int depth)
    {
        if (IsScalar(type))
        {
            return;
        }

        string reason = type.IsInterface || type == typeof(object) || type.IsAbstract
            ? "its runtime type (and so its encoding) is not fixed"
            : typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
                ? "collections may encode in varying order"
                : depth > 4 ? "it nests too deeply" : string.Empty;
        if (reason.Length == 0)
        {
            PropertyInfo[] properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            FieldInfo[] fields = type.IsValueType && type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true
                ? type.GetFields(BindingFlags.Public | BindingFlags.Instance)
                : [];
            IEnumerable<Type> members = properties.Where(p => p.GetIndexParameters().Length == 0).Select(p => p.PropertyType).Concat(fields.Select(f => f.FieldType));
            bool any = false;
            foreach (Type member in members)
            {
                any = true;
                Validate(root, member, depth + 1);
            }

            if (any)
            {
                return;
            }

            reason = "it has no public properties to encode";
        }

        throw new NotSupportedException(
            $"{root.Name} cannot be a shared dictionary key: {type.Name} is not supported because {reason}. Use primitives, strings, enums, Guid, dates, or records/tuples of those.");
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly);
    }
}
