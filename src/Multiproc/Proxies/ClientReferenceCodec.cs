using MessagePack.Formatters;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>The client side of references: proxies go out as ids, ids come back as new proxies.</summary>
internal sealed class ClientReferenceCodec : IReferenceCodec
{
    private readonly ICallChannel _channel;

    public ClientReferenceCodec(ICallChannel channel)
    {
        _channel = channel;
    }

    public bool TryEncode(object value, Type declaredType, out long objectId, out string typeId)
    {
        SharedObject? handle = value as SharedObject ?? (value as IProxy)?.Handle;
        if (handle is null)
        {
            objectId = 0;
            typeId = string.Empty;
            return false;
        }

        handle.ThrowIfDisposed();
        if (handle.Channel.ServerId != _channel.ServerId)
        {
            throw new ArgumentException($"The proxy of object {handle.ObjectId} belongs to the manager at {handle.Channel.Address}, not to {_channel.Address}.");
        }

        objectId = handle.ObjectId;
        typeId = handle.TypeId;
        return true;
    }

    /// <inheritdoc/>
    public IMessagePackFormatter<T>? GetSideFormatter<T>()
        => typeof(T) == typeof(SharedObject) ? new ReferenceAwareFormatter<T>(this, null) : null;

    public object Decode(long objectId, string typeId, Type declaredType)
    {
        var handle = new SharedObject(_channel, objectId, typeId);
        return declaredType == typeof(SharedObject) || declaredType == typeof(object)
            ? handle
            : ProxyFactory.Create(declaredType, handle);
    }
}
