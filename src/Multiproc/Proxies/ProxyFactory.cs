using System.Collections.Concurrent;
using System.Reflection;
using Multiproc.Proxies.BuiltIns;

namespace Multiproc.Proxies;

/// <summary>Creates the typed proxy of an interface over an untyped handle.</summary>
internal static class ProxyFactory
{
    private static readonly ConcurrentDictionary<Type, Func<SharedObject, object>> s_factories = new();
    private static readonly MethodInfo s_createGeneric = typeof(ProxyFactory).GetMethod(nameof(CreateDispatchProxy), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <exception cref="ArgumentException"><paramref name="contract"/> is not an interface that can be proxied.</exception>
    public static object Create(Type contract, SharedObject handle)
        => s_factories.GetOrAdd(contract, Build)(handle);

    public static T Create<T>(SharedObject handle)
        where T : class
        => (T)Create(typeof(T), handle);

    private static Func<SharedObject, object> Build(Type contract)
    {
        if (BuiltIns.BuiltInProxies.TryGetFactory(contract) is { } builtIn)
        {
            return builtIn;
        }

        if (!contract.IsInterface)
        {
            throw new ArgumentException($"{contract.FullName} is not an interface; use SharedObject for untyped access.");
        }

        ContractShape.Validate(contract);
        ProxyContract proxyContract = ProxyContract.For(contract);
        var create = s_createGeneric.MakeGenericMethod(contract).CreateDelegate<Func<ProxyContract, SharedObject, object>>();
        return handle => create(proxyContract, handle);
    }

    private static object CreateDispatchProxy<T>(ProxyContract contract, SharedObject handle)
    {
        object proxy = DispatchProxy.Create<T, InterfaceProxy>()!;
        ((InterfaceProxy)proxy).Initialize(contract, handle);
        return proxy;
    }
}
