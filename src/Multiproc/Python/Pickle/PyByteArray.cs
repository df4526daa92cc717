namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>bytearray</c>: mutable, so unhashable, and a different type from <see cref="PyBytes"/>.</summary>
/// <remarks>Equality is by reference here; <see cref="PythonEquality"/> compares content the Python way
/// (<c>bytearray(b'a') == b'a'</c>).</remarks>
internal sealed class PyByteArray
{
    /// <summary>Creates a bytearray holding a copy of <paramref name="bytes"/>.</summary>
    public PyByteArray(ReadOnlySpan<byte> bytes) => Items = [.. bytes.ToArray()];

    /// <summary>Gets the content, which callers may change.</summary>
    public List<byte> Items { get; }

    /// <inheritdoc/>
    public override string ToString() => $"bytearray[{Items.Count}]";
}
