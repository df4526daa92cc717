namespace Multiproc;

/// <summary>
/// A Python object a Python client stored that .NET has no type for (a user's class instance, a <c>Fraction</c>, an
/// aware <c>datetime</c>, an int beyond 64 bits): kept intact as its pickle, so it goes back to Python unchanged.
/// </summary>
/// <remarks>
/// A .NET client reads one where it reads <see cref="object"/> (an <c>ISharedList&lt;object&gt;</c> holding what a
/// Python client appended), or declares it as the element type. Writing it back (to the same or another object)
/// stores the same pickle, which Python clients load as the original object. The manager never unpickles it into a
/// .NET type (docs/python.md, "One object, two worlds").
/// </remarks>
public sealed class OpaquePythonValue : IEquatable<OpaquePythonValue>
{
    private readonly byte[] _pickle;

    /// <summary>Creates a value from its Python type name and its pickle (what <see cref="TypeName"/> and <see cref="Pickle"/> return).</summary>
    /// <param name="typeName">The Python type, for example <c>fractions.Fraction</c>.</param>
    /// <param name="pickle">The object's pickle, protocol 2 or later.</param>
    /// <exception cref="ArgumentException"><paramref name="typeName"/> is empty or <paramref name="pickle"/> is empty.</exception>
    public OpaquePythonValue(string typeName, ReadOnlySpan<byte> pickle)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeName);
        if (pickle.IsEmpty)
        {
            throw new ArgumentException("A pickle is never empty.", nameof(pickle));
        }

        TypeName = typeName;
        _pickle = pickle.ToArray();
    }

    /// <summary>Gets the Python type of the object, as <c>module.QualifiedName</c> (for example <c>fractions.Fraction</c>).</summary>
    public string TypeName { get; }

    /// <summary>Gets the object's pickle (protocol 4), exactly as the manager keeps it.</summary>
    public ReadOnlyMemory<byte> Pickle => _pickle;

    /// <inheritdoc/>
    public bool Equals(OpaquePythonValue? other)
        => other is not null && TypeName == other.TypeName && _pickle.AsSpan().SequenceEqual(other._pickle);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as OpaquePythonValue);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(TypeName);
        hash.AddBytes(_pickle);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"<Python {TypeName}, {_pickle.Length} bytes of pickle>";
}
