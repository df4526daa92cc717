using System.Numerics;

namespace Multiproc.Python.Client;

/// <summary>Python's key equality over decoded .NET values: <c>1</c>, <c>1.0</c> and <c>True</c> are one key,
/// tuples (<c>object?[]</c>) and bytes (<c>byte[]</c>) compare by content.</summary>
internal sealed class PythonKeyComparer : IEqualityComparer<object>
{
    public static PythonKeyComparer Instance { get; } = new();

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        if (AsNumber(x) is { } a && AsNumber(y) is { } b)
        {
            return a.Equals(b);
        }

        return (x, y) switch
        {
            (object?[] l, object?[] r) => l.Length == r.Length && l.Zip(r).All(p => Equals(p.First, p.Second)),
            (byte[] l, byte[] r) => l.AsSpan().SequenceEqual(r),
            _ => x.Equals(y),
        };
    }

    public int GetHashCode(object obj)
    {
        if (AsNumber(obj) is { } number)
        {
            return number.GetHashCode();
        }

        switch (obj)
        {
            case object?[] items:
                var hash = new HashCode();
                foreach (object? item in items)
                {
                    hash.Add(item is null ? 0 : GetHashCode(item));
                }

                return hash.ToHashCode();
            case byte[] bytes:
                var bytesHash = new HashCode();
                bytesHash.AddBytes(bytes);
                return bytesHash.ToHashCode();
            default:
                return obj.GetHashCode();
        }
    }

    /// <summary>A number as a <see cref="BigInteger"/> when integral, else as a <see cref="double"/>.</summary>
    private static object? AsNumber(object value) => value switch
    {
        bool b => new BigInteger(b ? 1 : 0),
        long l => new BigInteger(l),
        int i => new BigInteger(i),
        BigInteger big => big,
        double d when double.IsFinite(d) && Math.Floor(d) == d => new BigInteger(d),
        double d => d,
        _ => null,
    };
}
