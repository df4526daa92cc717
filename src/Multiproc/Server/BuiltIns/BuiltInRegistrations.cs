using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>The server types of the built-in shared objects, which the composition root registers in every manager.</summary>
internal static class BuiltInRegistrations
{
    /// <summary>Gets every built-in server type with its type id.</summary>
    public static IReadOnlyList<Registration> All { get; } =
    [
        Create(BuiltInTypes.List, typeof(SharedListServer)),
        Create(BuiltInTypes.Dictionary, typeof(SharedDictionaryServer)),
        Create(BuiltInTypes.Value, typeof(SharedValueServer)),
        Create(BuiltInTypes.Namespace, typeof(SharedNamespaceServer)),
        Create(BuiltInTypes.Array, typeof(SharedArrayServer)),
        Create(BuiltInTypes.Queue, typeof(SharedQueueServer)),
        Create(BuiltInTypes.Lock, typeof(SharedLockServer)),
        Create(BuiltInTypes.Semaphore, typeof(SharedSemaphoreServer)),
        Create(BuiltInTypes.Event, typeof(SharedEventServer)),
        Create(BuiltInTypes.Condition, typeof(SharedConditionServer)),
        Create(BuiltInTypes.Barrier, typeof(SharedBarrierServer)),
    ];

    private static Registration Create(string typeId, Type serverType) => new(typeId, serverType, serverType, null);
}
