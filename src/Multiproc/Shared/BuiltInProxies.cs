using System.Linq.Expressions;

namespace Multiproc.Shared;

/// <summary>Which proxy class implements each built-in shared interface.</summary>
internal static class BuiltInProxies
{
    private static readonly Dictionary<Type, Type> s_proxyTypes = new()
    {
        [typeof(ISharedList<>)] = typeof(SharedList<>),
        [typeof(ISharedDictionary<,>)] = typeof(SharedDictionary<,>),
        [typeof(ISharedValue<>)] = typeof(SharedValue<>),
        [typeof(ISharedNamespace)] = typeof(SharedNamespace),
        [typeof(ISharedQueue<>)] = typeof(SharedQueue<>),
        [typeof(ISharedLock)] = typeof(SharedLock),
        [typeof(ISharedSemaphore)] = typeof(SharedSemaphore),
        [typeof(ISharedEvent)] = typeof(SharedEvent),
        [typeof(ISharedCondition)] = typeof(SharedCondition),
        [typeof(ISharedBarrier)] = typeof(SharedBarrier),
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
