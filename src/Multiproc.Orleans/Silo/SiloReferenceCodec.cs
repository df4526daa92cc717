using MessagePack.Formatters;
using Multiproc.Proxies;
using Multiproc.Serialization;
using Multiproc.Server;

namespace Multiproc.Orleans.Silo;

/// <summary>
/// How a silo reads a call's arguments and writes its result: references become proxies over the
/// silo's channel (a client's rules, <see cref="ClientReferenceCodec"/>), and a built-in collection's
/// stored values pass through as bytes (<see cref="ClusterEncodedValueFormatter"/>).
/// </summary>
internal sealed class SiloReferenceCodec(ICallChannel channel) : IReferenceCodec
{
    private readonly ClientReferenceCodec _proxies = new(channel);

    public bool TryEncode(object value, Type declaredType, out long objectId, out string typeId)
        => _proxies.TryEncode(value, declaredType, out objectId, out typeId);

    public object Decode(long objectId, string typeId, Type declaredType) => _proxies.Decode(objectId, typeId, declaredType);

    public IMessagePackFormatter<T>? GetSideFormatter<T>()
        => typeof(T) == typeof(EncodedValue)
            ? (IMessagePackFormatter<T>)(object)ClusterEncodedValueFormatter.Instance
            : _proxies.GetSideFormatter<T>();
}
