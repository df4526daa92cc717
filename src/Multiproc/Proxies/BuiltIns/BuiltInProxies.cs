using System.Reflection;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>Which proxy class implements each built-in shared interface, and how to make one.</summary>
/// <remarks>
/// Factories are plain delegates: a lambda per non-generic proxy, and for a generic one a generic
/// method closed over the element types and bound with <see cref="MethodInfo.CreateDelegate{T}()"/>.
/// Expression trees were used before; compiling the first one cost a new worker process about
/// 10 ms (docs/performance.md).
/// </remarks>
internal static class BuiltInProxies
{
    private static readonly Dictionary<Type, Func<SharedObject, object>> s_plain = new()
    {
        [typeof(ISharedNamespace)] = static handle => new SharedNamespaceProxy(handle),
        [typeof(ISharedLock)] = static handle => new SharedLockProxy(handle),
        [typeof(ISharedSemaphore)] = static handle => new SharedSemaphoreProxy(handle),
        [typeof(ISharedEvent)] = static handle => new SharedEventProxy(handle),
        [typeof(ISharedCondition)] = static handle => new SharedConditionProxy(handle),
        [typeof(ISharedBarrier)] = static handle => new SharedBarrierProxy(handle),
    };

    private static readonly Dictionary<Type, string> s_generic = new()
    {
        [typeof(ISharedList<>)] = nameof(NewList),
        [typeof(ISharedDictionary<,>)] = nameof(NewDictionary),
        [typeof(ISharedValue<>)] = nameof(NewValue),
        [typeof(ISharedQueue<>)] = nameof(NewQueue),
    };

    // The generic factories return their proxy type: a delegate returning object binds to them by return-type covariance.

    /// <summary>Returns a factory for the proxy of <paramref name="contract"/> when it is a built-in interface.</summary>
    public static Func<SharedObject, object>? TryGetFactory(Type contract)
    {
        if (!contract.IsGenericType)
        {
            return s_plain.GetValueOrDefault(contract);
        }

        if (!s_generic.TryGetValue(contract.GetGenericTypeDefinition(), out string? factory))
        {
            return null;
        }

        return typeof(BuiltInProxies).GetMethod(factory, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(contract.GetGenericArguments())
            .CreateDelegate<Func<SharedObject, object>>();
    }

    private static SharedListProxy<T> NewList<T>(SharedObject handle) => new SharedListProxy<T>(handle);

    private static SharedDictionaryProxy<TKey, TValue> NewDictionary<TKey, TValue>(SharedObject handle)
        where TKey : notnull
        => new SharedDictionaryProxy<TKey, TValue>(handle);

    private static SharedValueProxy<T> NewValue<T>(SharedObject handle) => new SharedValueProxy<T>(handle);

    private static SharedQueueProxy<T> NewQueue<T>(SharedObject handle) => new SharedQueueProxy<T>(handle);
}
