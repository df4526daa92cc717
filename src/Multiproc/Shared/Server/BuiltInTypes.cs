using Multiproc.Server;

namespace Multiproc.Shared.Server;

/// <summary>The server types of the built-in shared objects, registered in every manager.</summary>
/// <remarks>Type ids start with <c>multiproc:</c>, a prefix user registrations should not use.</remarks>
internal static class BuiltInTypes
{
    public const string List = "multiproc:list";
    public const string Dictionary = "multiproc:dict";
    public const string Queue = "multiproc:queue";
    public const string Namespace = "multiproc:namespace";
    public const string Value = "multiproc:value";
    public const string Lock = "multiproc:lock";
    public const string Semaphore = "multiproc:semaphore";
    public const string Event = "multiproc:event";
    public const string Condition = "multiproc:condition";
    public const string Barrier = "multiproc:barrier";
    public const string Array = "multiproc:array";

    /// <summary>Gets every built-in server type with its type id.</summary>
    public static IReadOnlyList<Registration> Registrations { get; } =
    [
        Create(List, typeof(SharedListServer)),
        Create(Dictionary, typeof(SharedDictionaryServer)),
        Create(Value, typeof(SharedValueServer)),
        Create(Namespace, typeof(SharedNamespaceServer)),
        Create(Array, typeof(SharedArrayServer)),
        Create(Queue, typeof(SharedQueueServer)),
        Create(Lock, typeof(SharedLockServer)),
        Create(Semaphore, typeof(SharedSemaphoreServer)),
        Create(Event, typeof(SharedEventServer)),
        Create(Condition, typeof(SharedConditionServer)),
        Create(Barrier, typeof(SharedBarrierServer)),
    ];

    private static Registration Create(string typeId, Type serverType) => new(typeId, serverType, serverType, null);
}
