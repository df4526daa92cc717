namespace Multiproc.Shared.Server;

/// <summary>A built-in collection's element type check, done before anything is changed.</summary>
internal readonly record struct ElementCheck(ValueKind Kind, bool Nullable, string What)
{
    /// <exception cref="ArgumentException">The value's encoding does not fit the element type.</exception>
    public void Verify(in EncodedValue value)
    {
        if (!ValueKinds.Accepts(Kind, Nullable, value.Kind))
        {
            throw new ArgumentException($"A {value.Kind} value cannot be stored in a {What} of {Kind}{(Nullable ? "?" : "")} elements; nothing was changed.");
        }
    }
}
