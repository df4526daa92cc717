using System.Collections.Frozen;
using System.Reflection;

namespace Multiproc.Proxies;

/// <summary>The client's dispatch table for one interface: each method with its precomputed encoding.</summary>
internal sealed class ProxyContract
{
    private readonly FrozenDictionary<MethodInfo, ProxyMethod> _methods;

    private ProxyContract(Type contract)
    {
        _methods = ContractShape.GetMethods(contract).Distinct().ToFrozenDictionary(m => m, m => new ProxyMethod(m));
    }

    public static ProxyContract For(Type contract) => new(contract);

    public ProxyMethod this[MethodInfo method]
        => _methods.TryGetValue(method, out ProxyMethod? proxyMethod)
            ? proxyMethod
            : throw new NotSupportedException($"{method.DeclaringType?.Name}.{method.Name} is not part of the shared contract.");
}
