using System.Linq.Expressions;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>Which proxy class implements each built-in shared interface.</summary>
internal static class BuiltInProxies
{
    private static readonly Dictionary<Type, Type> s_proxyTypes = new()
    {
        [typeof(ISharedList<>)] = typeof(SharedListProxy<>),
        [typeof(ISharedDictionary<,>)] = typeof(SharedDictionaryProxy<,>),
        [typeof(ISharedValue<>)] = typeof(SharedValueProxy<>),
        [typeof(ISharedNamespace)] = typeof(SharedNamespaceProxy),
        [typeof(ISharedQueue<>)] = typeof(SharedQueueProxy<>),
        [typeof(ISharedLock)] = typeof(SharedLockProxy),
        [typeof(ISharedSemaphore)] = typeof(SharedSemaphoreProxy),
        [typeof(ISharedEvent)] = typeof(SharedEventProxy),
        [typeof(ISharedCondition)] = typeof(SharedConditionProxy),
        [typeof(ISharedBarrier)] = typeof(SharedBarrierProxy),
    };

    /// <summary>Returns a factory for the proxy of <paramref name="contract"/> when it is a built-in interface.</summary>
    public static Func<SharedObject, object>? TryGetFactory(Type contract)
    {
        Type key = contract.IsGenericType ? contract.GetGenericTypeDefinition() : contract;
        if (!s_proxyTypes.TryGetValue(key, out Type? proxyType))
        {
            return null;
        }

        Type closed = proxyType.IsGenericTypeDefinition ? proxyType.MakeGenericType(contract.GetGenericArguments()) : proxyType;
        ParameterExpression handle = Expression.Parameter(typeof(SharedObject), "handle");
        return Expression.Lambda<Func<SharedObject, object>>(Expression.New(closed.GetConstructor([typeof(SharedObject)])!, handle), handle).Compile();
    }
}
