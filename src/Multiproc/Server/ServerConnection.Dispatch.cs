using MessagePack;
using Multiproc.Protocol;
using Multiproc.Server.Dispatch;

namespace Multiproc.Server;

/// <summary>Admission and dispatch of the frames a connection reads: calls, cancels, releases, receipts, pings.</summary>
internal sealed partial class ServerConnection
{
    /// <returns>True when a call ran inline here and reading was handed to another thread meanwhile.</returns>
    private bool HandleFrame(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        int length = reader.ReadArrayHeader();
        if (length < 2)
        {
            throw new ProtocolViolationException("A message must be an array of at least two elements.");
        }

        var kind = (MessageKind)reader.ReadByte();
        switch (kind)
        {
            case MessageKind.Call when length >= 4:
                uint callId = reader.ReadUInt32();
                long objectId = reader.ReadInt64();
                string member = reader.ReadString() ?? throw new ProtocolViolationException("A call needs a member name.");
                return HandleCall(callId, objectId, member, ref reader, length - 4);
            case MessageKind.TracedCall when length >= 5:
                uint tracedId = reader.ReadUInt32();
                long tracedObject = reader.ReadInt64();
                string tracedMember = reader.ReadString() ?? throw new ProtocolViolationException("A call needs a member name.");
                return HandleCall(tracedId, tracedObject, tracedMember, ref reader, length - 5, TraceContext.Read(ref reader));
            case MessageKind.Cancel:
                Cancel(reader.ReadUInt32());
                break;
            case MessageKind.Receipt or MessageKind.Return:
                SettleLeases(kind, ref reader, length);
                break;
            case MessageKind.Release when length >= 3:
                ReleaseOwned(reader.ReadInt64(), reader.ReadInt32());
                break;
            case MessageKind.Ping:
                SendPong(reader.ReadUInt32());
                break;
            default:
                throw new ProtocolViolationException($"Unexpected message kind {kind} with {length} elements.");
        }

        return false;
    }

    private bool HandleCall(uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount, TraceContext? trace = null)
    {
        if (Accept(callId, objectId, member, ref reader, argumentCount, trace) is not { } call)
        {
            return false;
        }

        if (call.Gate is null || call.Gate.TryEnter(call))
        {
            if (call.RunsInline)
            {
                _server.Watchdog.NoteInlineCall();
                long started = Math.Max(1, Host.Settings.TimeProvider.GetTimestamp()); // 0 means "no inline call"
                Volatile.Write(ref _inlineCall, call);
                Volatile.Write(ref _inlineSince, started);
                call.Execute();
                return Interlocked.CompareExchange(ref _inlineSince, 0, started) != started;
            }

            call.Schedule();
        }

        return false;
    }
}
