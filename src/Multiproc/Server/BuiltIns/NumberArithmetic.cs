using System.Buffers;
using System.Globalization;
using MessagePack;
using Multiproc.Serialization;

namespace Multiproc.Server.BuiltIns;

/// <summary>
/// Adds encoded numbers on the manager without knowing their .NET types: integers as 64-bit
/// integers (checked), floats as doubles, decimals (extension 45, or the string MessagePack-CSharp writes) as decimals.
/// </summary>
internal static class NumberArithmetic
{
    /// <summary>Returns <paramref name="current"/> + <paramref name="delta"/>; a missing current value counts as zero.</summary>
    /// <exception cref="InvalidOperationException">A value is not a number.</exception>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    public static EncodedValue Add(EncodedValue? current, EncodedValue delta)
    {
        if (current is null || current.Value.IsNil)
        {
            RequireNumber(delta);
            return delta;
        }

        EncodedValue value = current.Value;
        return (value.Kind, delta.Kind) switch
        {
            (MessagePackType.Integer, MessagePackType.Integer) => Encode(checked(ReadInteger(value) + ReadInteger(delta))),
            (MessagePackType.Float or MessagePackType.Integer, MessagePackType.Float or MessagePackType.Integer)
                => Encode(ReadDouble(value) + ReadDouble(delta)),
            (MessagePackType.String or MessagePackType.Extension, MessagePackType.String or MessagePackType.Extension)
                => Encode(ReadDecimal(value) + ReadDecimal(delta)),
            _ => throw new InvalidOperationException($"Cannot add a {delta.Kind} to a stored {value.Kind}: both must be numbers of the same kind."),
        };
    }

    private static void RequireNumber(EncodedValue value)
    {
        if (value.Kind is not (MessagePackType.Integer or MessagePackType.Float) && !TryReadDecimal(value, out _))
        {
            throw new InvalidOperationException($"Cannot add a {value.Kind}: it is not a number.");
        }
    }

    // Written directly: MessagePackSerializer's default options would initialize the standard resolver for three primitives.
    private static EncodedValue Encode(long value)
    {
        var buffer = new ArrayBufferWriter<byte>(9);
        var writer = new MessagePackWriter(buffer);
        writer.Write(value);
        writer.Flush();
        return new(buffer.WrittenSpan.ToArray(), null);
    }

    private static EncodedValue Encode(double value)
    {
        var buffer = new ArrayBufferWriter<byte>(9);
        var writer = new MessagePackWriter(buffer);
        writer.Write(value);
        writer.Flush();
        return new(buffer.WrittenSpan.ToArray(), null);
    }

    private static EncodedValue Encode(decimal value)
    {
        var buffer = new ArrayBufferWriter<byte>(40);
        var writer = new MessagePackWriter(buffer);
        DecimalExtensionFormatter.Write(ref writer, value.ToString(CultureInfo.InvariantCulture));
        writer.Flush();
        return new(buffer.WrittenSpan.ToArray(), null);
    }

    private static long ReadInteger(EncodedValue value)
    {
        var reader = value.CreateReader();
        return reader.ReadInt64();
    }

    private static double ReadDouble(EncodedValue value)
    {
        var reader = value.CreateReader();
        return reader.ReadDouble();
    }

    private static decimal ReadDecimal(EncodedValue value)
        => TryReadDecimal(value, out decimal result) ? result : throw new InvalidOperationException("The stored value is not a decimal number.");

    /// <summary>Reads a decimal: extension 45, or the invariant-culture string MessagePack-CSharp writes.</summary>
    internal static bool TryReadDecimal(EncodedValue value, out decimal result)
    {
        result = 0;
        var reader = value.CreateReader();
        if (value.Kind == MessagePackType.String)
        {
            return decimal.TryParse(reader.ReadString(), NumberStyles.Number, CultureInfo.InvariantCulture, out result);
        }

        if (!DecimalExtensionFormatter.IsNext(ref reader))
        {
            return false;
        }

        try
        {
            result = DecimalExtensionFormatter.ReadExtension(ref reader);
            return true;
        }
        catch (MessagePackSerializationException)
        {
            return false;
        }
    }
}
