using MessagePack;

namespace Multiproc.Protocol.BuiltIns;

/// <summary>
/// The MessagePack family of a built-in collection's element type, recorded at creation so the
/// manager can refuse a value of the wrong type without knowing the .NET type.
/// </summary>
internal enum ValueKind
{
    /// <summary>Anything (records, arrays, maps, proxies).</summary>
    Any = 0,

    /// <summary>Any MessagePack integer (64-bit signed or unsigned); what a client of protocol version 2 before range checks sent for every integer type.</summary>
    Integer = 1,
    Float = 2,
    String = 3,
    Boolean = 4,
    Binary = 5,

    /// <summary>decimal: extension 45 (docs/protocol.md §4), or the string MessagePack-CSharp writes.</summary>
    Decimal = 6,

    // Integer kinds with their .NET range: a value outside it would make a typed reader throw
    // OverflowException after the value had already left its container, so the manager refuses it.
    SByte = 7,
    Byte = 8,
    Int16 = 9,

    /// <summary>ushort and char (MessagePack-CSharp writes a char as its UTF-16 code unit).</summary>
    UInt16 = 10,
    Int32 = 11,
    UInt32 = 12,
    Int64 = 13,
    UInt64 = 14,
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
            TypeCode.SByte => ValueKind.SByte,
            TypeCode.Byte => ValueKind.Byte,
            TypeCode.Int16 => ValueKind.Int16,
            TypeCode.UInt16 or TypeCode.Char => ValueKind.UInt16,
            TypeCode.Int32 => ValueKind.Int32,
            TypeCode.UInt32 => ValueKind.UInt32,
            TypeCode.Int64 => ValueKind.Int64,
            TypeCode.UInt64 => ValueKind.UInt64,
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
            ValueKind.Integer or (>= ValueKind.SByte and <= ValueKind.UInt64) => actual == MessagePackType.Integer,
            ValueKind.Float => actual is MessagePackType.Float or MessagePackType.Integer,
            ValueKind.String => actual == MessagePackType.String,
            ValueKind.Decimal => actual is MessagePackType.String or MessagePackType.Extension,
            ValueKind.Boolean => actual == MessagePackType.Boolean,
            ValueKind.Binary => actual == MessagePackType.Binary,
            _ => false,
        };

    /// <summary>Returns the .NET range of an integer kind, or null when the kind has none to check.</summary>
    public static (long Min, ulong Max)? RangeOf(ValueKind kind) => kind switch
    {
        ValueKind.SByte => (sbyte.MinValue, (ulong)sbyte.MaxValue),
        ValueKind.Byte => (byte.MinValue, byte.MaxValue),
        ValueKind.Int16 => (short.MinValue, (ulong)short.MaxValue),
        ValueKind.UInt16 => (ushort.MinValue, ushort.MaxValue),
        ValueKind.Int32 => (int.MinValue, int.MaxValue),
        ValueKind.UInt32 => (uint.MinValue, uint.MaxValue),
        ValueKind.Int64 => (long.MinValue, long.MaxValue),
        ValueKind.UInt64 => (0, ulong.MaxValue),
        _ => null,
    };
}
