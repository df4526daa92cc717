using MessagePack;

namespace Multiproc.Shared;

/// <summary>
/// The MessagePack family of a built-in collection's element type, recorded at creation so the
/// manager can refuse a value of the wrong type without knowing the .NET type.
/// </summary>
internal enum ValueKind
{
    /// <summary>Anything (records, arrays, maps, proxies).</summary>
    Any = 0,
    Integer = 1,
    Float = 2,
    String = 3,
    Boolean = 4,
    Binary = 5,

    /// <summary>decimal, which MessagePack-CSharp encodes as a string.</summary>
    Decimal = 6,
}

/// <summary>Maps .NET types to <see cref="ValueKind"/> and checks encoded values against it.</summary>
internal static class ValueKinds
{
    public static (ValueKind Kind, bool Nullable) Of(Type type)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        bool nullable = !type.IsValueType || underlying is not null;
        type = underlying ?? type;
        ValueKind kind = Type.GetTypeCode(type) switch
        {
            TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Char => ValueKind.Integer,
            TypeCode.Single or TypeCode.Double => ValueKind.Float,
            TypeCode.String => ValueKind.String,
            TypeCode.Boolean => ValueKind.Boolean,
            TypeCode.Decimal => ValueKind.Decimal,
            _ => type == typeof(byte[]) ? ValueKind.Binary : ValueKind.Any,
        };
        return (kind, nullable);
    }

    /// <summary>Returns whether a value of MessagePack type <paramref name="actual"/> fits the kind.</summary>
    public static bool Accepts(ValueKind kind, bool nullable, MessagePackType actual)
        => actual == MessagePackType.Nil ? nullable : kind switch
        {
            ValueKind.Any => true,
            ValueKind.Integer => actual == MessagePackType.Integer,
            ValueKind.Float => actual is MessagePackType.Float or MessagePackType.Integer,
            ValueKind.String or ValueKind.Decimal => actual == MessagePackType.String,
            ValueKind.Boolean => actual == MessagePackType.Boolean,
            ValueKind.Binary => actual == MessagePackType.Binary,
            _ => false,
        };
}
