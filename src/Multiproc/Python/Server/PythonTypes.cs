using Multiproc.Python.Pickle;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Server.Dispatch;

namespace Multiproc.Python.Server;

/// <summary>The typeids Python clients can create, and the Python face of every object in the table, whoever created it.</summary>
internal sealed class PythonTypes
{
    private readonly Dictionary<string, PythonSharedType> _byTypeId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PythonUserType> _byRegisteredTypeId = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">A registered class has two members under one Python name (the message names both).</exception>
    public PythonTypes(TypeRegistry registry)
    {
        PythonSharedType[] builtIns =
        [
            PythonListType.Instance, PythonDictType.Instance, PythonQueueType.Queue, PythonQueueType.JoinableQueue,
            PythonNamespaceType.Instance, PythonValueType.Instance, PythonLockType.Lock, PythonLockType.RLock,
            PythonSemaphoreType.Semaphore, PythonSemaphoreType.BoundedSemaphore, PythonConditionType.Instance,
            PythonEventType.Instance, PythonBarrierType.Instance, PythonArrayType.Instance,
        ];
        foreach (PythonSharedType type in builtIns)
        {
            _byTypeId[type.TypeId] = type;
        }

        foreach (SharedTypeBinding binding in registry.Bindings.Where(b => !b.IsBuiltIn))
        {
            var user = new PythonUserType(binding);
            _byRegisteredTypeId[binding.TypeId] = user;
            _byTypeId.TryAdd(binding.TypeId, user);
        }
    }

    /// <summary>The type a Python <c>create</c> of <paramref name="typeId"/> makes; null when none (it may be a published name).</summary>
    public PythonSharedType? Creatable(string typeId) => _byTypeId.GetValueOrDefault(typeId);

    /// <summary>The Python face of an object in the table.</summary>
    /// <exception cref="PythonProtocolError">The object has no Python face (a .NET-only type).</exception>
    public PythonSharedType Of(ObjectEntry entry) => entry.Instance switch
    {
        SharedListServer => PythonListType.Instance,
        SharedDictionaryServer => PythonDictType.Instance,
        PythonDictIterator => PythonDictIteratorType.Instance,
        SharedQueueServer => PythonQueueType.Queue,
        SharedNamespaceServer => PythonNamespaceType.Instance,
        SharedValueServer => PythonValueType.Instance,
        SharedLockServer shared => shared.IsReentrant ? PythonLockType.RLock : PythonLockType.Lock,
        SharedSemaphoreServer => PythonSemaphoreType.Semaphore,
        SharedConditionServer => PythonConditionType.Instance,
        SharedEventServer => PythonEventType.Instance,
        PythonBarrier => PythonBarrierType.Instance,
        PythonArray => PythonArrayType.Instance,
        _ when _byRegisteredTypeId.TryGetValue(entry.Binding.TypeId, out PythonUserType? user) => user,
        _ => throw new PythonProtocolError($"the shared object {entry.Id} ({entry.Binding.TypeId}) has no Python form"),
    };

    /// <summary>The id string Python clients know an object by.</summary>
    public static string Ident(ObjectEntry entry) => entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The table id of an id string; false for anything that is not one.</summary>
    public static bool TryParseIdent(string? ident, out long id)
        => long.TryParse(ident, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id);

    /// <summary>The exposed tuple a <c>create</c> reply carries for an object of <paramref name="type"/>.</summary>
    public static PyTuple ExposedOf(PythonSharedType type) => PythonReplies.Exposed(type.Exposed);
}
