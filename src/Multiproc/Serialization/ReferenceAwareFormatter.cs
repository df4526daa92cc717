using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Multiproc.Serialization;

/// <summary>
/// Formatter for types that may hold a shared object (interfaces, <see cref="object"/>, <see cref="SharedObject"/>):
/// a shared object is written as a reference extension, anything else by the ordinary formatter.
/// </summary>
/// <remarks>Reference layout: ext(42) wrapping the MessagePack array [objectId, typeId].</remarks>
internal sealed class ReferenceAwareFormatter<T> : IMessagePackFormatter<T>
{
    private readonly IReferenceCodec _codec;
    private readonly IMessagePackFormatter<T>? _inner;

    public ReferenceAwareFormatter(IReferenceCodec codec, IMessagePackFormatter<T>? inner)
    {
        _codec = codec;
        _inner = inner;
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is not null && _codec.TryEncode(value, typeof(T), out long objectId, out string typeId))
        {
            WriteReference(ref writer, objectId, typeId);
            return;
        }

        if (_inner is null)
        {
            if (value is null)
            {
                writer.WriteNil();
                return;
            }

            throw new MessagePackSerializationException(
                $"A {value.GetType().Name} passed as {typeof(T).Name} is not a shared object proxy and {typeof(T).Name} cannot be sent by value.");
        }

        _inner.Serialize(ref writer, value, options);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType == MessagePackType.Extension)
        {
            MessagePackReader peek = reader.CreatePeekReader();
            if (peek.ReadExtensionFormatHeader().TypeCode == ExtensionCodes.Reference)
            {
                (long objectId, string typeId) = ReadReference(ref reader);
                return (T)_codec.Decode(objectId, typeId, typeof(T));
            }
        }

        if (_inner is null)
        {
            if (reader.TryReadNil())
            {
                return default!;
            }

            throw new MessagePackSerializationException($"Expected a shared object reference for {typeof(T).Name}.");
        }

        return _inner.Deserialize(ref reader, options);
    }

    internal static void WriteReference(ref MessagePackWriter writer, long objectId, string typeId)
    {
        var payload = new ArrayBufferWriter<byte>(64);
        var inner = new MessagePackWriter(payload);
        inner.WriteArrayHeader(2);
        inner.Write(objectId);
        inner.Write(typeId);
        inner.Flush();
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCodes.Reference, payload.WrittenCount));
        writer.WriteRaw(payload.WrittenSpan);
    }

    internal static (long ObjectId, string TypeId) ReadReference(ref MessagePackReader reader)
    {
        reader.ReadExtensionFormatHeader();
        if (reader.ReadArrayHeader() != 2)
        {
            throw new MessagePackSerializationException("A shared object reference must be [objectId, typeId].");
        }

        long objectId = reader.ReadInt64();
        string typeId = reader.ReadString() ?? throw new MessagePackSerializationException("A shared object reference has no type id.");
        return (objectId, typeId);
    }
}
