using System.Collections;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// Refuses, when a silo registers its types, a persisted type whose state would not survive being written and read
/// back (<see cref="FieldImage"/>), saying which field and why.
/// </summary>
/// <remarks>
/// A static check of the declared field types, recursively: what MessagePack writes of a nested object is its public
/// members, so a nested type with private state is refused rather than silently losing it, and so is a member it writes
/// but cannot set back (no public or init setter, no constructor parameter). A class that is not sealed is refused: the
/// image reads back the declared type, so a subclass held there would lose what it adds. A field that holds a live
/// resource (a stream, a timer, a task, a delegate, a handle) has no image at all. What no static check can see, a
/// collection's comparer, is refused where it is written (<see cref="ComparerGuardFormatter{T}"/>).
/// </remarks>
internal static class PersistenceCheck
{
    private static readonly HashSet<Type> s_plain =
    [
        typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(Guid),
        typeof(DateOnly), typeof(TimeOnly), typeof(BigInteger), typeof(Uri), typeof(Version), typeof(Half), typeof(Int128), typeof(UInt128),
        typeof(IPAddress), typeof(OpaquePythonValue),
    ];

    private static readonly Type[] s_live =
    [
        typeof(Delegate), typeof(Task), typeof(Stream), typeof(WaitHandle), typeof(Thread), typeof(Timer), typeof(PeriodicTimer),
        typeof(CancellationTokenSource), typeof(CancellationToken), typeof(SemaphoreSlim), typeof(Lock), typeof(SafeHandle),
        typeof(MemberInfo), typeof(Socket), typeof(System.Diagnostics.Process), typeof(IServiceProvider), typeof(TimeProvider),
        typeof(Manager), typeof(SharedObject), typeof(IDisposable), typeof(IAsyncDisposable), typeof(IEnumerator),
    ];

    // Collections MessagePack reads back with its collision-resistant comparer (MessagePackSecurity.UntrustedData).
    private static readonly HashSet<Type> s_hashed =
    [
        typeof(Dictionary<,>), typeof(HashSet<>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(ISet<>), typeof(IReadOnlySet<>),
        typeof(System.Collections.ObjectModel.ReadOnlyDictionary<,>), typeof(System.Collections.Immutable.ImmutableDictionary<,>),
        typeof(System.Collections.Immutable.ImmutableHashSet<>),
    ];

    /// <summary>Throws when objects of <paramref name="registration"/> cannot be persisted.</summary>
    /// <param name="registration">A registered user type (not a built-in: those have their own image).</param>
    /// <param name="contracts">Every registered interface: a field of one holds a reference, which persists.</param>
    /// <exception cref="ArgumentException">A field's state would not survive, with the field, the reason, and what to do.</exception>
    public static void Check(Registration registration, IReadOnlySet<Type> contracts)
    {
        Type? type = registration.Implementation;
        if (type is null)
        {
            return;
        }

        foreach (FieldInfo field in FieldImage.Fields(type))
        {
            if (WhyNot(field.FieldType, contracts, []) is { } why)
            {
                throw new ArgumentException(
                    $"'{registration.TypeId}' ({type.Name}) cannot be persisted: its field {field.Name} {why}. "
                    + $"Mark the field [NonSerialized] (and rebuild it in IDeserializationCallback.OnDeserialization), or keep the type in memory "
                    + $"with UseMultiproc(..., cluster => cluster.Volatile<{registration.Contract.Name}>()) (docs/cluster.md, \"Persistence\").");
            }
        }
    }

    private static string? WhyNot(Type type, IReadOnlySet<Type> contracts, HashSet<Type> seen)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr) || type.IsEnum || s_plain.Contains(type) || contracts.Contains(type) || IsMultiprocProxy(type))
        {
            return null;
        }

        if (type.IsPointer || type.IsByRefLike || type == typeof(IntPtr) || type == typeof(UIntPtr))
        {
            return $"is a {Describe(type)}, a pointer or handle, which means nothing in another process";
        }

        if (s_live.FirstOrDefault(live => live.IsAssignableFrom(type) || (type.IsGenericType && live.IsGenericTypeDefinition && type.GetGenericTypeDefinition() == live)) is { } liveType)
        {
            return $"is a {Describe(type)}: a live {liveType.Name}, which has no image";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>) || type == typeof(ValueTask))
        {
            return $"is a {Describe(type)}: a task, which has no image";
        }

        if (type == typeof(object))
        {
            return "is declared as object: the type of its value would not survive";
        }

        if (type.IsArray)
        {
            return WhyNot(type.GetElementType()!, contracts, seen);
        }

        if (type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)))
        {
            if (type.IsGenericType && IsCollectionOrTuple(type))
            {
                if (s_hashed.Contains(type.GetGenericTypeDefinition()) && type.GetGenericArguments()[0] is var key && UntrustedHashing.ComparerFor(key) is null)
                {
                    return $"is a {Describe(type)}, keyed by {Describe(key)}: MessagePack reads a hashed collection back only with keys it can hash safely "
                        + "(strings, integers, enums, Guid, DateTime, ...), so it could never be restored. Key it by one of those, or use a SortedDictionary or a list of pairs";
                }

                return type.GetGenericArguments().Select(a => WhyNot(a, contracts, seen)).FirstOrDefault(w => w is not null);
            }

            return $"is a {Describe(type)}, which has no image";
        }

        if (type.IsInterface)
        {
            return $"is the interface {Describe(type)}, which is not a registered shared contract: the type of its value would not survive";
        }

        if (type.IsAbstract)
        {
            return $"is the abstract {Describe(type)}: the type of its value would not survive";
        }

        if (!type.IsValueType && !type.IsSealed)
        {
            // The image holds the declared type's members and reads back that type: a subclass would lose its own
            // fields and its overrides. Recording the runtime type instead would put type names in storage that a
            // restore must then trust (docs/design-decisions.md).
            return $"is the class {Describe(type)}, which is not sealed: a subclass held there would come back as a {Describe(type)}. Seal it (sealed class, sealed record)";
        }

        return seen.Add(type) ? WhyNotByValue(type, contracts, seen) : null;
    }

    // A nested object is written by its public members (MessagePack's contractless rules) and read back through a
    // public constructor: each field must be public or back a public property, and be set back either by a public
    // setter (init included) or by a parameter of the constructor MessagePack reads the object through.
    private static string? WhyNotByValue(Type type, IReadOnlySet<Type> contracts, HashSet<Type> seen)
    {
        ConstructorInfo? constructor = ReadingConstructor(type);
        if (!type.IsValueType && constructor is null)
        {
            return $"is a {Describe(type)}, which has no public constructor to read it back through (one whose parameters are all named after its public members)";
        }

        HashSet<string> parameters = new(constructor?.GetParameters().Select(p => p.Name ?? string.Empty) ?? [], StringComparer.OrdinalIgnoreCase);
        foreach (FieldInfo field in FieldImage.Fields(type))
        {
            PropertyInfo? property = BackedProperty(field);
            string member = property?.Name ?? field.Name;
            if (!(field.IsPublic || property is { GetMethod.IsPublic: true }))
            {
                return $"is a {Describe(type)}, whose private field {field.Name} would not survive (a nested object is written by its public members)";
            }

            if (IsIgnored(field) || (property is not null && IsIgnored(property)))
            {
                return $"is a {Describe(type)}, whose member {member} is marked to be ignored by MessagePack, so it would not survive";
            }

            bool settable = property is null ? !field.IsInitOnly : property.SetMethod is { IsPublic: true };
            if (!settable && !parameters.Contains(member))
            {
                return $"is a {Describe(type)}, whose {(property is null ? "field" : "property")} {member} is written but cannot be set back "
                    + $"(no public setter, and no parameter named {member} in the constructor MessagePack reads it through): give it a public or init setter, or such a parameter";
            }

            if (WhyNot(field.FieldType, contracts, seen) is { } why)
            {
                return $"is a {Describe(type)}, whose field {field.Name} {why}";
            }
        }

        return null;
    }

    // The constructor MessagePack 2's contractless resolver picks: the one marked [SerializationConstructor], else the
    // public one with the most parameters whose every parameter names a public member (case-insensitive) of a fitting type.
    private static ConstructorInfo? ReadingConstructor(Type type)
    {
        ConstructorInfo[] declared = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (declared.FirstOrDefault(c => c.IsDefined(typeof(MessagePack.SerializationConstructorAttribute), inherit: false)) is { } marked)
        {
            return marked;
        }

        ILookup<string, Type> members = type.GetFields(BindingFlags.Instance | BindingFlags.Public).Select(f => (f.Name, Type: f.FieldType))
            .Concat(type.GetProperties(BindingFlags.Instance | BindingFlags.Public).Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0).Select(p => (p.Name, Type: p.PropertyType)))
            .ToLookup(m => m.Name, m => m.Type, StringComparer.OrdinalIgnoreCase);
        return declared.Where(c => c.IsPublic).OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault(c => c.GetParameters().All(p => members[p.Name ?? string.Empty].ToArray() is [Type memberType] && p.ParameterType.IsAssignableFrom(memberType)));
    }

    private static bool IsIgnored(MemberInfo member)
        => member.IsDefined(typeof(MessagePack.IgnoreMemberAttribute), inherit: true) || member.IsDefined(typeof(System.Runtime.Serialization.IgnoreDataMemberAttribute), inherit: true);

    private static PropertyInfo? BackedProperty(FieldInfo field)
    {
        const string Suffix = ">k__BackingField";
        if (!field.Name.StartsWith('<') || !field.Name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        string name = field.Name[1..^Suffix.Length];
        return field.DeclaringType!.GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
    }

    private static bool IsCollectionOrTuple(Type type)
        => type.Namespace is "System.Collections.Generic" or "System.Collections.Immutable" or "System.Collections.ObjectModel"
            || type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal) || type.FullName.StartsWith("System.Tuple`", StringComparison.Ordinal);

    private static bool IsMultiprocProxy(Type type)
        => type.IsInterface && type.Assembly == typeof(Manager).Assembly && type.Name.StartsWith("IShared", StringComparison.Ordinal);

    private static string Describe(Type type)
        => type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>" : type.Name;
}
