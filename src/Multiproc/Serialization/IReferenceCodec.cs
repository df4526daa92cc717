using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Turns shared objects into references on the wire and back, for one side of one connection.
/// </summary>
/// <remarks>
/// Two implementations: the client's (proxies in, proxies out) and the server's (real objects in the
/// object table). Encoding a reference on the server hands the receiving connection a reference it owns.
/// </remarks>
internal interface IReferenceCodec
{
    /// <summary>Returns true and the object's id and type id when <paramref name="value"/> travels as a reference.</summary>
    bool TryEncode(object value, Type declaredType, out long objectId, out string typeId);

    /// <summary>Resolves a reference read from the wire into a value assignable to <paramref name="declaredType"/>.</summary>
    object Decode(long objectId, string typeId, Type declaredType);

    /// <summary>
    /// Returns this side's formatter for a type only this side knows (the client's untyped handle, the
    /// manager's stored encodings), or null to let the shared rules decide.
    /// </summary>
    /// <remarks>Keeps the serialization layer free of both sides' types: each side brings its own.</remarks>
    IMessagePackFormatter<T>? GetSideFormatter<T>();
}
