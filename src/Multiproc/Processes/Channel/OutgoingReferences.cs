using System.Buffers;
using MessagePack;
using Multiproc.Proxies;
using Multiproc.Serialization;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The proxies met while one value is encoded for another process, and the post-pass that hands them over.
/// </summary>
/// <remarks>
/// <para>
/// Serializers do no I/O (docs/design-decisions.md, "Hand-overs outside the serializer"): while the
/// value is encoded into <see cref="Buffer"/>, each proxy becomes a placeholder and is remembered here.
/// <see cref="ToArray"/> or <see cref="CopyTo"/> then hands every proxy over to its manager, all at
/// once, and splices the descriptors in place of the placeholders. A value without proxies costs one
/// thread-static check per proxy-capable field and nothing after.
/// </para>
/// <para>
/// The value leaves with a MessagePack boolean before it: whether it holds handed-over references.
/// The receiver (<see cref="IncomingReferences"/>) walks a value for them only when it says so.
/// </para>
/// <para>
/// Scopes nest per thread (a pool target that starts a worker while its results are being encoded);
/// the instance is reused by the next scope on the thread, so it must not be used after <see cref="Dispose"/>.
/// </para>
/// </remarks>
internal sealed class OutgoingReferences : IDisposable
{
    // As FrameBuffer: a pool worker's chunk buffer is reused, not regrown from small for every chunk.
    private const int KeepLimit = 1024 * 1024;

    [ThreadStatic]
    private static OutgoingReferences? s_current;

    [ThreadStatic]
    private static OutgoingReferences? s_spare;

    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly List<SharedObject> _handles = [];
    private OutgoingReferences? _outer;

    private OutgoingReferences()
    {
    }

    /// <summary>Gets the buffer to encode the value into.</summary>
    public IBufferWriter<byte> Buffer => _buffer;

    /// <summary>Starts encoding a value on this thread.</summary>
    /// <param name="sizeHint">The expected size in bytes, so a large value does not grow the buffer step by step.</param>
    public static OutgoingReferences Begin(int sizeHint = 0)
    {
        OutgoingReferences scope = s_spare ?? new OutgoingReferences();
        s_spare = null;
        scope._buffer.GetSpan(sizeHint);
        scope._outer = s_current;
        s_current = scope;
        return scope;
    }

    /// <summary>Writes a placeholder for <paramref name="handle"/>; called by formatters.</summary>
    /// <exception cref="InvalidOperationException">No value is being encoded for another process on this thread.</exception>
    public static void WritePlaceholder(ref MessagePackWriter writer, SharedObject handle)
    {
        OutgoingReferences scope = s_current
            ?? throw new InvalidOperationException("A proxy can only be sent to another process through the worker codec.");
        HandoverExtension.WritePlaceholder(ref writer, scope._handles.Count);
        scope._handles.Add(handle);
    }

    /// <summary>Hands the proxies over and returns the encoded value, ready to leave the process.</summary>
    /// <exception cref="ManagerUnavailableException">A proxy's manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">A proxy's object is gone.</exception>
    public byte[] ToArray()
    {
        if (_handles.Count == 0)
        {
            byte[] plain = new byte[_buffer.WrittenCount + 1];
            plain[0] = MessagePackCode.False;
            _buffer.WrittenSpan.CopyTo(plain.AsSpan(1));
            return plain;
        }

        var spliced = new ArrayBufferWriter<byte>(_buffer.WrittenCount + (_handles.Count * 128));
        Splice(spliced);
        return spliced.WrittenSpan.ToArray();
    }

    /// <summary>Hands the proxies over and writes the encoded value to <paramref name="destination"/>.</summary>
    /// <exception cref="ManagerUnavailableException">A proxy's manager cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">A proxy's object is gone.</exception>
    public void CopyTo(IBufferWriter<byte> destination)
    {
        if (_handles.Count == 0)
        {
            Span<byte> flag = destination.GetSpan(1);
            flag[0] = MessagePackCode.False;
            destination.Advance(1);
            destination.Write(_buffer.WrittenSpan);
            return;
        }

        Splice(destination);
    }

    /// <summary>Ends the scope; the next scope on this thread may reuse the instance.</summary>
    public void Dispose()
    {
        if (s_current == this)
        {
            s_current = _outer;
        }

        _outer = null;
        _handles.Clear();
        if (_buffer.Capacity <= KeepLimit)
        {
            _buffer.ResetWrittenCount();
            s_spare = this;
        }
    }

    private void Splice(IBufferWriter<byte> destination)
    {
        // The I/O, outside any serializer: every hand-over at once, one round trip per manager.
        Task<HandoverDescriptor>[] handovers = new Task<HandoverDescriptor>[_handles.Count];
        for (int i = 0; i < handovers.Length; i++)
        {
            SharedObject handle = _handles[i];
            handovers[i] = handle.Channel.HandOverAsync(handle, CancellationToken.None);
        }

        HandoverDescriptor[] descriptors = Task.WhenAll(handovers).GetAwaiter().GetResult();
        StartupTrace.Mark("proxies handed over");
        ReadOnlyMemory<byte> encoded = _buffer.WrittenMemory;
        var finder = new PlaceholderFinder([]);
        var reader = new MessagePackReader(encoded);
        while (!reader.End)
        {
            ExtensionWalker.Walk(ref reader, HandoverExtension.ExtensionCode, int.MaxValue, ref finder);
        }

        var writer = new MessagePackWriter(destination);
        writer.Write(true);
        int copied = 0;
        foreach ((int start, int end, int index) in finder.Found)
        {
            writer.WriteRaw(encoded.Span[copied..start]);
            HandoverExtension.WriteDescriptor(ref writer, descriptors[index]);
            copied = end;
        }

        writer.WriteRaw(encoded.Span[copied..]);
        writer.Flush();
    }

    private readonly struct PlaceholderFinder(List<(int Start, int End, int Index)> found) : IExtensionVisitor
    {
        public List<(int Start, int End, int Index)> Found => found;

        public void Visit(ref MessagePackReader reader)
        {
            int start = (int)reader.Consumed;
            int index = HandoverExtension.ReadPlaceholder(ref reader);
            found.Add((start, (int)reader.Consumed, index));
        }
    }
}
