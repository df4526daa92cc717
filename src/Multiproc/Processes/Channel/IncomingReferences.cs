using System.Buffers;
using MessagePack;
using Multiproc.Proxies;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The proxies handed over inside one received value: adopted by a pre-pass before the value is
/// decoded, taken by the formatters as they meet them, and released if nobody took them.
/// </summary>
/// <remarks>
/// <para>
/// Serializers do no I/O (docs/design-decisions.md, "Hand-overs outside the serializer"): <see cref="Begin"/>
/// walks the encoded value for handed-over references, connects to their managers and adopts them,
/// blocking on the decoding thread (it waits anyway); the formatters then only look up what was adopted. A value whose sender flagged it
/// as holding no reference costs one byte, no walk and no allocation; a reference in it anyway is refused by <see cref="Take"/>.
/// </para>
/// <para>Scopes nest per thread (a map target that reads a worker's result while its own items are decoded).</para>
/// </remarks>
internal sealed class IncomingReferences : IDisposable
{
    [ThreadStatic]
    private static IncomingReferences? s_current;

    // Returned for a value proved to hold no reference: it is never made current, so Dispose has nothing to undo.
    private static readonly IncomingReferences s_none = new(new Dictionary<string, SharedObject>(0));

    private readonly Dictionary<string, SharedObject> _adopted;
    private IncomingReferences? _outer;

    private IncomingReferences(Dictionary<string, SharedObject> adopted)
    {
        _adopted = adopted;
    }

    /// <summary>
    /// Reads the flag <see cref="OutgoingReferences"/> writes before a value and, when it is set,
    /// adopts the references inside the value that follows, leaving <paramref name="reader"/> at that value.
    /// </summary>
    /// <exception cref="ManagerUnavailableException">A reference's manager cannot be reached.</exception>
    /// <exception cref="MessagePackSerializationException">The data is malformed, or nests deeper than the limit.</exception>
    /// <exception cref="EndOfStreamException">The data is truncated.</exception>
    public static IncomingReferences Begin(ref MessagePackReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return s_none;
        }

        MessagePackReader scan = reader.CreatePeekReader();
        var collector = new DescriptorCollector([]);
        ExtensionWalker.Walk(ref scan, HandoverExtension.ExtensionCode, SerializationLimits.MaxDepth, ref collector);
        return Adopt(collector.Found);
    }

    /// <summary>
    /// Walks a sample value as the pre-pass walks a worker's arguments (a flag, an array holding a
    /// handed-over reference and plain values), adopting nothing: a new worker's warm-up thread
    /// runs it so the main thread finds this code compiled (docs/performance.md).
    /// </summary>
    public static void WarmUp()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.Write(true);
        writer.WriteArrayHeader(3);
        HandoverExtension.WriteDescriptor(ref writer, new HandoverDescriptor("unix:/warm-up", [1, 2, 3], "token", "list"));
        writer.Write(long.MaxValue);
        writer.WriteMapHeader(1);
        writer.Write("key");
        writer.Write(1.5);
        writer.Flush();

        var reader = new MessagePackReader(buffer.WrittenMemory);
        reader.ReadBoolean();
        var collector = new DescriptorCollector([]);
        ExtensionWalker.Walk(ref reader, HandoverExtension.ExtensionCode, SerializationLimits.MaxDepth, ref collector);
    }

    /// <summary>Gets the references adopted by the pre-pass that no formatter has taken yet.</summary>
    /// <remarks>Read before decoding, it lists every reference the decoded value will own.</remarks>
    public SharedObject[] Untaken() => [.. _adopted.Values];

    /// <summary>Takes the reference adopted for <paramref name="descriptor"/>; called by formatters.</summary>
    /// <exception cref="MessagePackSerializationException">The reference was not announced by the pre-pass, or was taken twice.</exception>
    public static SharedObject Take(HandoverDescriptor descriptor)
    {
        IncomingReferences? scope = s_current;
        return scope is not null && scope._adopted.Remove(descriptor.Token, out SharedObject? handle)
            ? handle
            : throw new MessagePackSerializationException(
                "A handed-over reference was met that the value's pre-pass did not adopt; values with proxies must be decoded through the worker codec.");
    }

    /// <summary>Ends the scope and releases every adopted reference no formatter took.</summary>
    public void Dispose()
    {
        if (this == s_none)
        {
            return;
        }

        if (s_current == this)
        {
            s_current = _outer;
        }

        foreach (SharedObject unclaimed in _adopted.Values)
        {
            unclaimed.Dispose();
        }

        _adopted.Clear();
    }

    private static IncomingReferences Adopt(List<HandoverDescriptor> descriptors)
    {
        // The I/O, outside any serializer, on this thread, which waits anyway: one connection per
        // manager, one blocking adopt per reference. Blocking rather than all at once: a round trip
        // costs microseconds, while the task machinery costs a new worker milliseconds.
        var adopted = new Dictionary<string, SharedObject>(descriptors.Count, StringComparer.Ordinal);
        try
        {
            foreach (HandoverDescriptor descriptor in descriptors)
            {
                adopted.Add(descriptor.Token, ManagerConnections.Get(descriptor.Address, descriptor.AuthKey).Adopt(descriptor));
            }
        }
        catch
        {
            foreach (SharedObject handle in adopted.Values)
            {
                handle.Dispose();
            }

            throw;
        }

        if (descriptors.Count > 0)
        {
            StartupTrace.Mark("proxies adopted");
        }

        var scope = new IncomingReferences(adopted) { _outer = s_current };
        s_current = scope;
        return scope;
    }

    private readonly struct DescriptorCollector(List<HandoverDescriptor> found) : IExtensionVisitor
    {
        public List<HandoverDescriptor> Found => found;

        public void Visit(ref MessagePackReader reader)
        {
            HandoverDescriptor descriptor = HandoverExtension.ReadDescriptor(ref reader);

            // A token names one hand-over: a second copy of it is adopted once, and the second Take fails.
            if (!found.Exists(d => d.Token == descriptor.Token))
            {
                found.Add(descriptor);
            }
        }
    }
}
