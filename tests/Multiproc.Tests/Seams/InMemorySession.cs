using System.Threading.Channels;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Server;
using Multiproc.Server.Dispatch;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>
/// The server seam's second implementation: a session with no socket and no listener. Calls are
/// handed to dispatch as MessagePack payloads; replies come back as payloads on a channel.
/// </summary>
internal sealed class InMemorySession : ServerSession
{
    private readonly Channel<byte[]> _replies = Channel.CreateUnbounded<byte[]>();
    private uint _nextCallId;

    private InMemorySession(ObjectHost host)
        : base(host, host.NextSessionId())
    {
    }

    /// <summary>Opens a session on <paramref name="host"/>.</summary>
    public static InMemorySession Open(ObjectHost host)
    {
        var session = new InMemorySession(host);
        Assert.True(host.TryAdd(session));
        return session;
    }

    /// <summary>Calls <paramref name="member"/> on <paramref name="objectId"/> and returns the reply payload ([kind, callId, value...]).</summary>
    public async Task<byte[]> CallAsync(long objectId, string member, params object?[] arguments)
    {
        uint callId = Dispatch(objectId, member, arguments);
        byte[] reply = await _replies.Reader.ReadAsync(TestTimeout.Token());
        var reader = new MessagePackReader(reply);
        reader.ReadArrayHeader();
        reader.ReadByte();
        Assert.Equal(callId, reader.ReadUInt32());
        return reply;
    }

    /// <summary>Hands a call to dispatch and returns its id; its reply arrives on <see cref="NextReplyAsync"/>.</summary>
    public uint Dispatch(long objectId, string member, params object?[] arguments)
    {
        uint callId = ++_nextCallId;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(arguments.Length);
        foreach (object? argument in arguments)
        {
            MessagePackSerializer.Serialize(ref writer, argument, SerializerOptions);
        }

        writer.Flush();
        var reader = new MessagePackReader(buffer.WrittenMemory);
        reader.ReadArrayHeader();
        Dispatch(callId, objectId, member, ref reader, arguments.Length);

        return callId;
    }

    public async Task<byte[]> NextReplyAsync() => await _replies.Reader.ReadAsync(TestTimeout.Token());

    public override void Send(FrameBuffer frame)
    {
        if (!IsClosed)
        {
            _replies.Writer.TryWrite(frame.Payload.ToArray());
        }
    }

    protected override void OnClosing() => _replies.Writer.TryComplete();
}
