using System.Buffers;
using MessagePack;
using MessagePack.Formatters;
using Multiproc.Proxies;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// Writes a proxy that is sent to another process (a worker's argument or result) as a handed-over
/// reference: [address, key, token, typeId]; the receiving process connects to that manager (once)
/// and adopts the reference, so the object cannot vanish in transit.
/// </summary>
/// <remarks>
/// The key travels with it: worker payloads go through a private pipe or socket, never the command
/// line or the environment. Extension type 43.
/// </remarks>
internal sealed class ProcessReferenceFormatter<T> : IMessagePackFormatter<T>
{
    public const sbyte ExtensionCode = ExtensionCodes.HandedOverReference;

    private readonly IMessagePackFormatter<T>? _inner;

    public ProcessReferenceFormatter(IMessagePackFormatter<T>? inner)
    {
        _inner = inner;
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        SharedObject? handle = value as SharedObject ?? (value as IProxy)?.Handle;
        if (handle is null)
        {
            if (_inner is null)
            {
                writer.WriteNil();
                return;
            }

            _inner.Serialize(ref writer, value, options);
            return;
        }

        handle.ThrowIfDisposed();
        HandoverDescriptor descriptor = handle.Channel.HandOverAsync(handle, CancellationToken.None).GetAwaiter().GetResult();
        var payload = new ArrayBufferWriter<byte>(128);
        var inner = new MessagePackWriter(payload);
        descriptor.Write(ref inner);
        inner.Flush();
        writer.WriteExtensionFormatHeader(new ExtensionHeader(ExtensionCode, payload.WrittenCount));
        writer.WriteRaw(payload.WrittenSpan);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType == MessagePackType.Extension && reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == ExtensionCode)
        {
            reader.ReadExtensionFormatHeader();
            HandoverDescriptor descriptor = HandoverDescriptor.Read(ref reader);
            ICallChannel host = ManagerConnections.Get(descriptor.Address, descriptor.AuthKey);
            SharedObject handle = host.AdoptAsync(descriptor, CancellationToken.None).GetAwaiter().GetResult();
            return typeof(T) == typeof(SharedObject) || typeof(T) == typeof(object)
                ? (T)(object)handle
                : (T)ProxyFactory.Create(typeof(T), handle);
        }

        if (_inner is null)
        {
            return reader.TryReadNil() ? default! : throw new MessagePackSerializationException($"Expected a handed-over reference for {typeof(T).Name}.");
        }

        return _inner.Deserialize(ref reader, options);
    }
}
