using MessagePack.Formatters;
using Multiproc.Serialization;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>
/// The server side of references: real objects in, table entries out. Every reference written
/// gives the receiving session one reference it owns, once the reply is complete (<see cref="ReplyReferences"/>).
/// </summary>
internal sealed class ServerReferenceCodec : IReferenceCodec
{
    private readonly ServerSession _session;
    private readonly ObjectTable _table;
    private readonly TypeRegistry _registry;

    public ServerReferenceCodec(ServerSession session, ObjectTable table, TypeRegistry registry)
    {
        _session = session;
        _table = table;
        _registry = registry;
    }

    public bool TryEncode(object value, Type declaredType, out long objectId, out string typeId)
    {
        ObjectEntry? entry = _table.TryGetByInstance(value);
        if (entry is null || !_table.TryAddReference(entry))
        {
            SharedTypeBinding? binding = _registry.FindFor(value, declaredType);
            if (binding is null)
            {
                objectId = 0;
                typeId = string.Empty;
                return false;
            }

            entry = _table.AddReference(value, binding, disposeWhenReleased: false);
        }

        ReplyReferences.Adopt(_session, entry);
        objectId = entry.Id;
        typeId = entry.Binding.TypeId;
        return true;
    }

    /// <inheritdoc/>
    public IMessagePackFormatter<T>? GetSideFormatter<T>()
        => typeof(T) == typeof(EncodedValue) ? (IMessagePackFormatter<T>)(object)new EncodedValueFormatter(this) : null;

    public object Decode(long objectId, string typeId, Type declaredType)
    {
        ObjectEntry entry = Resolve(objectId);

        if (!declaredType.IsInstanceOfType(entry.Instance))
        {
            throw new ArgumentException($"Shared object {objectId} ({entry.Binding.TypeId}) is not a {declaredType.Name}.");
        }

        return entry.Instance;
    }

    /// <exception cref="KeyNotFoundException">No live object has the id.</exception>
    public ObjectEntry Resolve(long objectId)
        => _table.TryGet(objectId, out ObjectEntry entry)
            ? entry
            : throw new KeyNotFoundException($"No shared object with id {objectId}: it was released or never existed.");

    /// <summary>Moves a reference a container held to the receiving session (the value left the container).</summary>
    public void Transfer(ObjectEntry entry) => ReplyReferences.Adopt(_session, entry);

    /// <summary>Gives the receiving session one reference to an object that is being sent inside a stored value.</summary>
    public void HandOut(ObjectEntry entry)
    {
        if (!_table.TryAddReference(entry))
        {
            throw new ObjectDisposedException(null, $"Shared object {entry.Id} was released.");
        }

        ReplyReferences.Adopt(_session, entry);
    }
}
