using MessagePack.Formatters;
using Multiproc.Serialization;

namespace Multiproc.Tests.Hardening;

/// <summary>A reference codec for codec-only tests: nothing travels as a reference.</summary>
internal sealed class NoReferenceCodec : IReferenceCodec
{
    public bool TryEncode(object value, Type declaredType, out long objectId, out string typeId)
    {
        objectId = 0;
        typeId = string.Empty;
        return false;
    }

    public object Decode(long objectId, string typeId, Type declaredType)
        => throw new KeyNotFoundException($"No shared object {objectId} in a codec-only test.");

    public IMessagePackFormatter<T>? GetSideFormatter<T>() => null;
}
