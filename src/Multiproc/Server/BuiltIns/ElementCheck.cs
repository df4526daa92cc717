using MessagePack;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>A built-in collection's element type check, done before anything is changed.</summary>
internal readonly struct ElementCheck
{
    /// <param name="kind">The element kind a client sent at creation.</param>
    /// <param name="nullable">Whether nil is accepted.</param>
    /// <param name="what">The collection, for messages.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="ValueKind"/> (nothing is created).</exception>
    public ElementCheck(ValueKind kind, bool nullable, string what)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), (int)kind, $"Unknown element kind {(int)kind} for a {what}; expected 0..{(int)ValueKind.UInt64}. Nothing was created.");
        }

        Kind = kind;
        Nullable = nullable;
        What = what;
    }

    public ValueKind Kind { get; }

    public bool Nullable { get; }

    public string What { get; }

    /// <exception cref="ArgumentException">The value's encoding does not fit the element type.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer outside the element type's range, or a decimal string that does not parse.</exception>
    public void Verify(in EncodedValue value)
    {
        VerifyKind(value);
        if (!IsInRange(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"The value is outside the range of the {What}'s {Kind} elements; nothing was changed.");
        }
    }

    /// <summary>Checks the result of arithmetic on a stored value.</summary>
    /// <exception cref="ArgumentException">The result's encoding does not fit the element type.</exception>
    /// <exception cref="OverflowException">The result is outside the element type's range (nothing was changed).</exception>
    public void VerifySum(in EncodedValue sum)
    {
        VerifyKind(sum);
        if (!IsInRange(sum))
        {
            throw new OverflowException($"The result is outside the range of the {What}'s {Kind} elements; nothing was changed.");
        }
    }

    private void VerifyKind(in EncodedValue value)
    {
        if (!ValueKinds.Accepts(Kind, Nullable, value.Kind))
        {
            throw new ArgumentException($"A {value.Kind} value cannot be stored in a {What} of {Kind}{(Nullable ? "?" : "")} elements; nothing was changed.");
        }
    }

    private bool IsInRange(in EncodedValue value)
    {
        if (value.IsNil)
        {
            return true;
        }

        if (Kind == ValueKind.Decimal)
        {
            return NumberArithmetic.TryReadDecimal(value, out _);
        }

        if (ValueKinds.RangeOf(Kind) is not (long min, ulong max))
        {
            return true;
        }

        MessagePackReader reader = value.CreateReader();
        if (reader.NextCode == MessagePackCode.UInt64)
        {
            // The one encoding that may not fit a long.
            return reader.ReadUInt64() <= max;
        }

        long number = reader.ReadInt64();
        return number >= min && (number < 0 || (ulong)number <= max);
    }
}
