namespace Multiproc.Python.Pickle;

/// <summary>A Python <c>bytes</c>: immutable, hashable, compared by content.</summary>
/// <remarks>A wrapper rather than <c>byte[]</c> so that bytes stay distinct from <c>bytearray</c> (<see cref="PyByteArray"/>)
/// and compare structurally as dict keys.</remarks>
internal sealed class PyBytes : IEquatable<PyBytes>
{
    private readonly byte[] _bytes;

    /// <summary>Creates bytes holding a copy of <paramref name="bytes"/>.</summary>
    public PyBytes(ReadOnlySpan<byte> bytes) => _bytes = bytes.ToArray();

    /// <summary>Gets the content.</summary>
    public ReadOnlyMemory<byte> Value => _bytes;

    /// <summary>Gets the number of bytes.</summary>
    public int Length => _bytes.Length;

    /// <inheritdoc/>
    public bool Equals(PyBytes? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PyBytes other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"b[{_bytes.Length}]";
}
