using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Multiproc.Python.Client;

/// <summary>Decoded .NET values (<see cref="PythonValueDecoder"/>) to the type a caller asked for.</summary>
internal static class PythonValueConverter
{
    /// <summary>Converts <paramref name="value"/> to <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">The value has no conversion to <typeparamref name="T"/>.</exception>
    public static T To<T>(object? value) => (T)To(value, typeof(T))!;

    /// <summary>Converts <paramref name="value"/> to <paramref name="target"/>.</summary>
    /// <exception cref="InvalidCastException">The value has no conversion to <paramref name="target"/>.</exception>
    public static object? To(object? value, Type target)
    {
        if (value is null)
        {
            return !target.IsValueType || Nullable.GetUnderlyingType(target) is not null
                ? null
                : throw Mismatch(value, target);
        }

        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        Type actual = Nullable.GetUnderlyingType(target) ?? target;
        try
        {
            return Convert(value, actual);
        }
        catch (Exception ex) when (ex is OverflowException or FormatException)
        {
            throw new InvalidCastException($"The Python value {Describe(value)} does not fit a {target}: {ex.Message}", ex);
        }
    }

    private static object? Convert(object value, Type target)
    {
        if (target.IsEnum)
        {
            return Enum.ToObject(target, To(value, Enum.GetUnderlyingType(target))!);
        }

        if (target == typeof(BigInteger))
        {
            return value switch
            {
                long l => new BigInteger(l),
                BigInteger b => b,
                bool b => new BigInteger(b ? 1 : 0),
                _ => throw Mismatch(value, target),
            };
        }

        if (target == typeof(char) && value is string { Length: 1 } s)
        {
            return s[0];
        }

        if (target == typeof(DateTimeOffset) && value is DateTime dateTime)
        {
            return new DateTimeOffset(dateTime);
        }

        if (target == typeof(DateTime) && value is DateTimeOffset offset)
        {
            return offset.UtcDateTime;
        }

        if (IsNumeric(target) && value is long or double or bool or decimal or BigInteger)
        {
            object source = value is BigInteger big ? (object)(double)big : value;
            if (value is BigInteger && target != typeof(double) && target != typeof(float))
            {
                throw new OverflowException($"{value} is beyond 64 bits.");
            }

            if (value is double && target != typeof(double) && target != typeof(float) && target != typeof(decimal))
            {
                throw Mismatch(value, target);
            }

            return System.Convert.ChangeType(source, target, CultureInfo.InvariantCulture);
        }

        if (value is IList items && value is not byte[])
        {
            return ConvertSequence(items, target) ?? throw Mismatch(value, target);
        }

        if (value is IDictionary dictionary && DictionaryTypes(target) is var (keyType, valueType))
        {
            var result = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(keyType, valueType))!;
            foreach (DictionaryEntry entry in dictionary)
            {
                result[To(entry.Key, keyType)!] = To(entry.Value, valueType);
            }

            return result;
        }

        if (value is IEnumerable set && value is not string and not byte[] && ElementOf(target, typeof(HashSet<>), typeof(ISet<>), typeof(IReadOnlySet<>)) is { } setElement)
        {
            object result = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(setElement))!;
            var add = result.GetType().GetMethod("Add")!;
            foreach (object? item in set)
            {
                add.Invoke(result, [To(item, setElement)]);
            }

            return result;
        }

        throw Mismatch(value, target);
    }

    private static object? ConvertSequence(IList items, Type target)
    {
        if (target.IsArray)
        {
            Type element = target.GetElementType()!;
            var array = Array.CreateInstance(element, items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                array.SetValue(To(items[i], element), i);
            }

            return array;
        }

        if (typeof(ITuple).IsAssignableFrom(target) && target.IsGenericType && target.GetGenericArguments() is { Length: <= 7 } parts)
        {
            if (parts.Length != items.Count)
            {
                throw new InvalidCastException($"A Python sequence of {items.Count} items does not fit a {target}.");
            }

            return Activator.CreateInstance(target, [.. parts.Select((part, i) => To(items[i], part))]);
        }

        if (ElementOf(target, typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>)) is { } element2)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element2))!;
            foreach (object? item in items)
            {
                list.Add(To(item, element2));
            }

            return list;
        }

        return target == typeof(object) || target.IsInstanceOfType(items) ? items : null;
    }

    private static Type? ElementOf(Type target, params Type[] definitions)
        => target.IsGenericType && definitions.Contains(target.GetGenericTypeDefinition()) ? target.GetGenericArguments()[0] : null;

    private static (Type Key, Type Value)? DictionaryTypes(Type target)
    {
        if (target == typeof(object))
        {
            return null;
        }

        Type? definition = target.IsGenericType ? target.GetGenericTypeDefinition() : null;
        return definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)
            ? (target.GetGenericArguments()[0], target.GetGenericArguments()[1])
            : null;
    }

    private static bool IsNumeric(Type type)
        => type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(sbyte) || type == typeof(byte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(double) || type == typeof(float)
            || type == typeof(decimal);

    private static InvalidCastException Mismatch(object? value, Type target)
        => new($"The Python value {Describe(value)} cannot be converted to {target}.");

    private static string Describe(object? value) => value is null ? "None" : $"of .NET type {value.GetType().Name}";
}
