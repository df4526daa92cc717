using System.Reflection;
using MessagePack;

namespace Multiproc.Orleans.Silo;

/// <summary>The equality comparer MessagePack gives a dictionary or set it reads from untrusted data, as images are read.</summary>
internal static class UntrustedHashing
{
    private static readonly MethodInfo s_comparer = typeof(MessagePackSecurity).GetMethod(nameof(MessagePackSecurity.GetEqualityComparer), 1, Type.EmptyTypes)!;

    /// <summary>Gets the comparer for keys of type <paramref name="key"/>, or null when MessagePack has none and so refuses to read such a collection.</summary>
    /// <remarks>MessagePack hashes only the key types it knows against collisions: strings, integers, enums, Guid, DateTime, object and a few more, not decimal, nullables, tuples or user types.</remarks>
    public static object? ComparerFor(Type key)
    {
        try
        {
            return s_comparer.MakeGenericMethod(key).Invoke(MessagePackSecurity.UntrustedData, null);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is TypeAccessException)
        {
            return null;
        }
    }
}
