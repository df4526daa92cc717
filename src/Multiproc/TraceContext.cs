using MessagePack;

namespace Multiproc;

/// <summary>A W3C trace context as it travels between processes: a <c>traceparent</c> and, when there is one, a <c>tracestate</c>.</summary>
/// <remarks>
/// Vocabulary shared by the call frames (<c>TracedCall</c>, docs/protocol.md §3), the worker bootstrap
/// and the pool's task frames (§7). Plain strings: holding or moving one loads nothing of
/// System.Diagnostics.DiagnosticSource, which a worker started without a context never pays for.
/// </remarks>
/// <param name="TraceParent">The <c>traceparent</c> header value (<c>00-{trace id}-{span id}-{flags}</c>).</param>
/// <param name="TraceState">The <c>tracestate</c> header value, or null when the sender had none.</param>
internal readonly record struct TraceContext(string TraceParent, string? TraceState)
{
    /// <summary>Writes the context as one MessagePack element: <c>[traceparent]</c> or <c>[traceparent, tracestate]</c>.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(TraceState is null ? 1 : 2);
        writer.Write(TraceParent);
        if (TraceState is not null)
        {
            writer.Write(TraceState);
        }
    }

    /// <summary>Reads an element written by <see cref="Write"/>.</summary>
    /// <exception cref="ProtocolViolationException">The element is not an array of one or two strings.</exception>
    public static TraceContext Read(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count is < 1 or > 2)
        {
            throw new ProtocolViolationException($"A trace context is an array of one or two strings, not {count} elements.");
        }

        string traceParent = reader.ReadString() ?? throw new ProtocolViolationException("A trace context needs a traceparent.");
        string? traceState = count == 2 ? reader.ReadString() : null;
        return new TraceContext(traceParent, traceState);
    }
}
