using MessagePack;

namespace Multiproc.Server;

/// <summary>
/// A value as the manager stores it in a built-in collection: its MessagePack encoding, plus the
/// shared objects referenced inside it.
/// </summary>
/// <remarks>
/// The manager never decodes user types: equality and hashing are byte equality of the encoding,
/// so keys must encode deterministically (primitives, strings, and records or tuples of those).
/// A container that stores a value calls <see cref="Hold"/> so the objects it references stay
/// alive, and <see cref="Release"/> when the value leaves it.
/// </remarks>
internal readonly struct EncodedValue : IEquatable<EncodedValue>
{
    private readonly byte[] _bytes;

    public EncodedValue(byte[] bytes, ObjectEntry[]? references, bool transfersReferences = false, object? python = null)
    {
        _bytes = bytes;
        References = references;
        TransfersReferences = transfersReferences;
        Python = python;
    }

    public static EncodedValue Nil { get; } = new([MessagePackCode.Nil], null);

    public ReadOnlySpan<byte> Bytes => _bytes;

    public ObjectEntry[]? References { get; }

    /// <summary>
    /// Gets the Python value these bytes were encoded from, when a Python client wrote it (docs/python.md,
    /// "One object, two worlds"): Python readers get it back exactly (a tuple stays a tuple), .NET readers
    /// read the bytes. Never mutated once stored.
    /// </summary>
    public object? Python { get; }

    /// <summary>Gets whether sending this value moves its held references to the receiver (it left its container).</summary>
    public bool TransfersReferences { get; }

    public bool IsDefault => _bytes is null;

    public bool IsNil => _bytes is [MessagePackCode.Nil];

    public MessagePackType Kind => new MessagePackReader(_bytes).NextMessagePackType;

    /// <summary>Returns a reader positioned at the start of the encoding.</summary>
    public MessagePackReader CreateReader() => new(_bytes);

    /// <summary>Returns this value marked so that sending it hands the container's references to the receiver instead of releasing them.</summary>
    public EncodedValue Removed() => new(_bytes, References, transfersReferences: true, Python);

    /// <summary>Adds one container-held reference to each object inside the value.</summary>
    /// <exception cref="ObjectDisposedException">An object inside was released meanwhile.</exception>
    public void Hold()
    {
        if (References is null)
        {
            return;
        }

        for (int i = 0; i < References.Length; i++)
        {
            if (!References[i].Table.TryAddReference(References[i]))
            {
                for (int j = 0; j < i; j++)
                {
                    References[j].Table.Release(References[j]);
                }

                throw new ObjectDisposedException(null, $"Shared object {References[i].Id} was released before it could be stored.");
            }
        }
    }

    /// <summary>Drops the references <see cref="Hold"/> added.</summary>
    public void Release()
    {
        if (References is null)
        {
            return;
        }

        foreach (ObjectEntry entry in References)
        {
            entry.Table.Release(entry);
        }
    }

    public bool Equals(EncodedValue other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is EncodedValue other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }
}
