using System.Collections.Frozen;
using System.Reflection;

namespace Multiproc.Server.Dispatch;

/// <summary>
/// The server's view of one registered type: how to construct it and its dispatch table.
/// </summary>
internal sealed class SharedTypeBinding
{
    private readonly FrozenDictionary<string, ServerMethod[]> _byKey;
    private readonly FrozenDictionary<string, ServerMethod[]> _byName;

    public SharedTypeBinding(Registration registration)
    {
        Registration = registration;
        ServerMethod[] methods = [.. ContractShape.GetMethods(registration.Contract).Select(m => ServerMethod.Create(m, registration.Contract))];
        Methods = methods;
        _byKey = methods.GroupBy(m => m.Key).ToFrozenDictionary(g => g.Key, g => new[] { g.First() }, StringComparer.Ordinal);
        _byName = methods.GroupBy(m => m.Name).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        Constructors = registration.Implementation is { } impl && registration.Factory is null
            ? [.. impl.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Select(c => new ServerConstructor(c))]
            : [];
        Type runtimeType = registration.Implementation ?? registration.Contract;
        AllowsConcurrentCalls = runtimeType.GetCustomAttribute<AllowConcurrentCallsAttribute>() is not null;
        IsBuiltIn = runtimeType.Assembly == typeof(SharedTypeBinding).Assembly;
    }

    public Registration Registration { get; }

    public string TypeId => Registration.TypeId;

    public Type Contract => Registration.Contract;

    public bool AllowsConcurrentCalls { get; }

    /// <summary>Gets whether this is one of Multiproc's own shared types (never blocks a thread, so its calls run on server threads).</summary>
    public bool IsBuiltIn { get; }

    public IReadOnlyList<ServerConstructor> Constructors { get; }

    /// <summary>Gets the type's callable members.</summary>
    public IReadOnlyList<ServerMethod> Methods { get; }

    /// <summary>Finds a method by its full key, or by bare name (untyped calls).</summary>
    /// <returns>The candidates: one for a full key, possibly several overloads for a bare name.</returns>
    public ReadOnlySpan<ServerMethod> Find(string member)
    {
        if (_byKey.TryGetValue(member, out ServerMethod[]? exact))
        {
            return exact;
        }

        return _byName.TryGetValue(member, out ServerMethod[]? overloads) ? overloads : [];
    }
}
