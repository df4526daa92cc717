namespace Multiproc.Shared.Server;

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
            throw new ArgumentOutOfRangeException(nameof(kind), (int)kind, $"Unknown element kind {(int)kind} for a {what}; expected 0..{(int)ValueKind.Decimal}. Nothing was created.");
        }

        Kind = kind;
        Nullable = nullable;
        What = what;
    }

    public ValueKind Kind { get; }

    public bool Nullable { get; }

    public string What { get; }

    /// <exception cref="ArgumentException">The value's encoding does not fit the element type.</exception>
    public void Verify(in EncodedValue value)
    {
        if (!ValueKinds.Accepts(Kind, Nullable, value.Kind))
        {
            throw new ArgumentException($"A {value.Kind} value cannot be stored in a {What} of {Kind}{(Nullable ? "?" : "")} elements; nothing was changed.");
        }
    }
}
