using System.Collections.Frozen;

namespace Multiproc.Server.Dispatch;

/// <summary>The registered types of one manager, by type id, by implementation and by contract.</summary>
internal sealed class TypeRegistry
{
    private readonly FrozenDictionary<string, SharedTypeBinding> _byTypeId;
    private readonly FrozenDictionary<Type, SharedTypeBinding> _byContract;
    private readonly FrozenDictionary<Type, SharedTypeBinding> _byImplementation;

    public TypeRegistry(IEnumerable<Registration> registrations)
    {
        SharedTypeBinding[] bindings = [.. registrations.Select(r => new SharedTypeBinding(r))];
        _byTypeId = bindings.ToFrozenDictionary(b => b.TypeId, StringComparer.Ordinal);
        _byContract = bindings.GroupBy(b => b.Contract).ToFrozenDictionary(g => g.Key, g => g.First());
        _byImplementation = bindings.Where(b => b.Registration.Implementation is not null)
            .GroupBy(b => b.Registration.Implementation!).ToFrozenDictionary(g => g.Key, g => g.First());
    }

    /// <summary>Gets every binding (built-in and registered).</summary>
    public IEnumerable<SharedTypeBinding> Bindings => _byTypeId.Values;

    public bool TryGet(string typeId, out SharedTypeBinding binding) => _byTypeId.TryGetValue(typeId, out binding!);

    /// <summary>Finds how to share <paramref name="instance"/> when it is sent as <paramref name="declaredType"/>.</summary>
    public SharedTypeBinding? FindFor(object instance, Type declaredType)
    {
        if (_byContract.TryGetValue(declaredType, out SharedTypeBinding? byDeclared))
        {
            return byDeclared;
        }

        if (_byImplementation.TryGetValue(instance.GetType(), out SharedTypeBinding? byImplementation))
        {
            return byImplementation;
        }

        foreach (Type contract in instance.GetType().GetInterfaces())
        {
            if (_byContract.TryGetValue(contract, out SharedTypeBinding? byInterface))
            {
                return byInterface;
            }
        }

        return null;
    }
}
