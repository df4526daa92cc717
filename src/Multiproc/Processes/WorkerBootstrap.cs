using System.Buffers;
using MessagePack;

namespace Multiproc.Processes;

/// <summary>
/// What a worker needs to start, sent as the first frame on its stdin (never on the command line
/// or in the environment).
/// </summary>
/// <remarks>
/// Body: <c>[version, isPool, socketPath, token, hostCommand, target, arguments, initializer]</c>,
/// where target and initializer are encoded <see cref="TargetMethod"/> identities and arguments an
/// encoded argument array (each may be nil). Readers ignore trailing fields they do not know, so
/// later versions (the manager address and auth key) append fields.
/// </remarks>
internal sealed class WorkerBootstrap
{
    /// <summary>The protocol version written and required.</summary>
    public const int Version = 1;

    /// <summary>Gets or sets whether the worker serves a pool (a task loop) rather than one target.</summary>
    public bool IsPool { get; init; }

    /// <summary>Gets or sets the Unix socket path the worker connects to.</summary>
    public string SocketPath { get; set; } = string.Empty;

    /// <summary>Gets or sets the 16 random bytes the worker sends first on the socket to say who it is.</summary>
    public ReadOnlyMemory<byte> Token { get; set; }

    /// <summary>Gets or sets the command the worker uses to start its own workers.</summary>
    public WorkerHostCommand? HostCommand { get; set; }

    /// <summary>Gets or sets the encoded identity of the target, for a single-target worker.</summary>
    public byte[]? Target { get; init; }

    /// <summary>Gets or sets the encoded argument array, for a single-target worker.</summary>
    public byte[]? Arguments { get; init; }

    /// <summary>Gets or sets the encoded identity of the pool initializer.</summary>
    public byte[]? Initializer { get; init; }

    /// <summary>Writes the bootstrap as one complete frame into <paramref name="buffer"/>.</summary>
    public void WriteFrame(FrameBuffer buffer)
    {
        buffer.Begin(WorkerFrameKind.Bootstrap);
        var writer = new MessagePackWriter(buffer.Body);
        writer.WriteArrayHeader(8);
        writer.Write(Version);
        writer.Write(IsPool);
        writer.Write(SocketPath);
        writer.Write(Token.Span);
        HostCommand!.Write(ref writer);
        WriteOptional(ref writer, Target);
        WriteOptional(ref writer, Arguments);
        WriteOptional(ref writer, Initializer);
        writer.Flush();
        buffer.End();
    }

    /// <summary>Reads a bootstrap body.</summary>
    /// <exception cref="InvalidDataException">The body is of another protocol version.</exception>
    public static WorkerBootstrap Read(ReadOnlyMemory<byte> body)
    {
        var reader = new MessagePackReader(body);
        int count = reader.ReadArrayHeader();
        int version = reader.ReadInt32();
        if (version != Version || count < 8)
        {
            throw new InvalidDataException($"Worker bootstrap version {version} is not {Version}; parent and worker run different Multiproc builds.");
        }

        return new WorkerBootstrap
        {
            IsPool = reader.ReadBoolean(),
            SocketPath = reader.ReadString()!,
            Token = reader.ReadBytes()!.Value.ToArray(),
            HostCommand = WorkerHostCommand.Read(ref reader),
            Target = ReadOptional(ref reader),
            Arguments = ReadOptional(ref reader),
            Initializer = ReadOptional(ref reader),
        };
    }

    private static void WriteOptional(ref MessagePackWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value);
        }
    }

    private static byte[]? ReadOptional(ref MessagePackReader reader)
        => reader.TryReadNil() ? null : reader.ReadBytes()!.Value.ToArray();
}
