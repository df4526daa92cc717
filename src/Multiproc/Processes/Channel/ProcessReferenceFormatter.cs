using MessagePack;
using MessagePack.Formatters;
using Multiproc.Proxies;

namespace Multiproc.Processes.Channel;

/// <summary>
/// Writes a proxy that is sent to another process (a worker's argument or result) as a handed-over
/// reference, and reads one back as a proxy of <typeparamref name="T"/>; other values go to the inner formatter.
/// </summary>
/// <remarks>
/// No I/O and no reference counting here: writing leaves a placeholder in <see cref="OutgoingReferences"/>,
/// whose post-pass hands the object over; reading takes what <see cref="IncomingReferences"/>' pre-pass
/// adopted. Extension type 43 (docs/protocol.md §7).
/// </remarks>
internal sealed class ProcessReferenceFormatter<T> : IMessagePackFormatter<T>
{
    private readonly IMessagePackFormatter<T>? _inner;

    public ProcessReferenceFormatter(IMessagePackFormatter<T>? inner)
    {
        _inner = inner;
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        SharedObject? handle = value as SharedObject ?? (value as IProxy)?.Handle;
        if (handle is not null)
        {
            handle.ThrowIfDisposed();
            OutgoingReferences.WritePlaceholder(ref writer, handle);
        }
        else if (_inner is not null)
        {
            _inner.Serialize(ref writer, value, options);
        }
        else
        {
            writer.WriteNil();
        }
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.NextMessagePackType == MessagePackType.Extension &&
            reader.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == HandoverExtension.ExtensionCode)
        {
            SharedObject handle = IncomingReferences.Take(HandoverExtension.ReadDescriptor(ref reader));
            if (typeof(T) == typeof(SharedObject) || typeof(T) == typeof(object))
            {
                return (T)(object)handle;
            }

            try
            {
                return (T)ProxyFactory.Create(typeof(T), handle);
            }
            catch
            {
                // Taken from the scope, so nobody else would release it.
                handle.Dispose();
                throw;
            }
        }

        if (_inner is null)
        {
            return reader.TryReadNil() ? default! : throw new MessagePackSerializationException($"Expected a handed-over reference for {typeof(T).Name}.");
        }

        return _inner.Deserialize(ref reader, options);
    }
}
