
namespace Multiproc.Processes.Channel;

/// <summary>
/// What a worker needs to start, sent as the first frame on its stdin (never on the command line
/// or in the environment).
/// </summary>
/// <remarks>
/// A plain binary body (<see cref="BinaryFieldWriter"/>), not MessagePack, so a starting worker
/// decodes it without paying MessagePack's JIT cost: version, isPool, socket path, token, host
/// command, then the optional target identity, argument bytes and initializer identity, and last,
/// only when the parent had one, the trace context (traceparent, then an optional tracestate). Readers
/// ignore trailing bytes, so a later version can append fields; a bootstrap without a context is
/// byte for byte what it was before tracing.
/// </remarks>
internal sealed class WorkerBootstrap
{
    /// <summary>The protocol version written and required.</summary>
    public const int Version = 1;

    /// <summary>Gets or sets whether the worker serves a pool (a task loop) rather than one target.</summary>
    public bool IsPool { get; init; }

    /// <summary>Gets or sets the Unix socket path the worker connects to.</summary>
    public string SocketPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the random bytes the worker sends first on the socket to say who it is.</summary>
    public byte[] Token { get; set; } = [];

    /// <summary>Gets or sets the command the worker uses to start its own workers.</summary>
    public WorkerHostCommand? HostCommand { get; set; }

    /// <summary>Gets or sets the encoded identity of the target, for a single-target worker.</summary>
    public byte[]? Target { get; init; }

    /// <summary>Gets or sets the encoded argument array (MessagePack, see <see cref="WorkerArgumentCodec"/>), for a single-target worker.</summary>
    public byte[]? Arguments { get; init; }

    /// <summary>Gets or sets the encoded identity of the pool initializer.</summary>
    public byte[]? Initializer { get; init; }

    /// <summary>Gets or sets the trace context the worker's calls nest under (docs/tracing.md), or null for none.</summary>
    public TraceContext? Trace { get; init; }

    /// <summary>Writes the bootstrap as one complete frame into <paramref name="buffer"/>.</summary>
    public void WriteFrame(WorkerFrameBuffer buffer)
    {
        var writer = new BinaryFieldWriter();
        writer.Write(Version);
        writer.Write(IsPool);
        writer.Write(SocketPath);
        writer.Write(Token);
        HostCommand!.Write(writer);
        writer.WriteOptional(Target);
        writer.WriteOptional(Arguments);
        writer.WriteOptional(Initializer);
        if (Trace is { } trace)
        {
            writer.Write(trace.TraceParent);
            writer.WriteOptional(trace.TraceState);
        }

        buffer.Append(WorkerFrameKind.Bootstrap, writer.WrittenSpan);
    }

    /// <summary>Reads a bootstrap body.</summary>
    /// <exception cref="InvalidDataException">The body is of another protocol version.</exception>
    /// <exception cref="EndOfStreamException">The body is truncated.</exception>
    public static WorkerBootstrap Read(ReadOnlySpan<byte> body)
    {
        var reader = new BinaryFieldReader(body);
        int version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"Worker bootstrap version {version} is not {Version}; parent and worker run different Multiproc builds.");
        }

        return new WorkerBootstrap
        {
            IsPool = reader.ReadBoolean(),
            SocketPath = reader.ReadString(),
            Token = reader.ReadBytes().ToArray(),
            HostCommand = WorkerHostCommand.Read(ref reader),
            Target = reader.ReadOptionalBytes(),
            Arguments = reader.ReadOptionalBytes(),
            Initializer = reader.ReadOptionalBytes(),
            Trace = reader.HasMore ? new TraceContext(reader.ReadString(), reader.ReadOptionalString()) : null,
        };
    }
}
