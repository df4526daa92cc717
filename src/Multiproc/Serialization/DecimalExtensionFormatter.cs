using System.Buffers;
using System.Globalization;
using System.Text;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Writes a <see cref="decimal"/> as extension <see cref="ExtensionCodes.Decimal"/> (its invariant digits, scale
/// kept) instead of MessagePack-CSharp's plain string, so a reader of untyped values (a Python client, an
/// <see cref="object"/>) gets a decimal back and not a string that happens to hold digits.
/// </summary>
/// <remarks>Reads the extension, and also the forms MessagePack-CSharp writes and reads for a decimal (a string of digits, a number).</remarks>
internal sealed class DecimalExtensionFormatter : IMessagePackFormatter<decimal>
{
    public static readonly DecimalExtensionFormatter Instance = new();

    // A .NET decimal's digits: at most 29 digits, a sign and a point. Python's may be longer (it is then refused).
    public const int MaxDigits = 64;

    /// <summary>Whether the reader's next value is a decimal extension.</summary>
    public static bool IsNext(ref MessagePackReader reader)
        => reader.NextMessagePackType == MessagePackType.Extension
            && reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == ExtensionCodes.Decimal;

    /// <summary>Writes the extension of a decimal given by its invariant digits (which must parse as a .NET decimal).</summary>
    public static void Write(ref MessagePackWriter writer, string digits)
    {
        int length = Encoding.UTF8.GetByteCount(digits);
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCodes.Decimal, length));
        Span<byte> target = writer.GetSpan(length);
        Encoding.UTF8.GetBytes(digits, target);
        writer.Advance(length);
    }

    /// <summary>Reads a decimal extension.</summary>
    /// <exception cref="MessagePackSerializationException">It is not one, or its digits are not a decimal.</exception>
    public static decimal ReadExtension(ref MessagePackReader reader)
    {
        ExtensionResult extension = reader.ReadExtensionFormat();
        if (extension.TypeCode != ExtensionCodes.Decimal || extension.Data.Length > MaxDigits)
        {
            throw new MessagePackSerializationException("A decimal must be extension 45 holding its digits.");
        }

        Span<byte> utf8 = stackalloc byte[MaxDigits];
        extension.Data.CopyTo(utf8);
        Span<char> chars = stackalloc char[MaxDigits];
        int count = Encoding.UTF8.GetChars(utf8[..(int)extension.Data.Length], chars);
        return decimal.TryParse(chars[..count], NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value)
            ? value
            : throw new MessagePackSerializationException("A decimal extension holds no decimal number.");
    }

    public void Serialize(ref MessagePackWriter writer, decimal value, MessagePackSerializerOptions options)
        => Write(ref writer, value.ToString(CultureInfo.InvariantCulture));

    public decimal Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => IsNext(ref reader) ? ReadExtension(ref reader) : DecimalFormatter.Instance.Deserialize(ref reader, options);
}
