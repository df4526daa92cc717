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
            case MessageKind.Cancel:
                if (_cancellable.TryGetValue(reader.ReadUInt32(), out ServerCall? call))
                {
                    call.Cancel();
                }

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

    private bool HandleCall(uint callId, long objectId, string member, ref MessagePackReader reader, int argumentCount)
    {
        _server.CountCall();
        // A call counts until its reply has left: replies the client has not taken count too.
        if (Volatile.Read(ref _inFlight) + _sender.UnsentFrames >= _server.Settings.MaxPendingCallsPerConnection)
        {
            SendError(callId, new InvalidOperationException($"Too many calls in flight on this connection (limit {_server.Settings.MaxPendingCallsPerConnection})."));
            return false;
        }

        ServerCall? call;
        try
        {
            call = objectId == ProtocolConstants.ControlObjectId
                ? ControlCalls.Prepare(this, callId, member, ref reader, argumentCount)
                : CallBinder.Bind(this, callId, objectId, member, ref reader, argumentCount);
        }
#pragma warning disable CA1031 // Any failure to bind is the caller's error, reported to the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SendError(callId, ex);
            return false;
        }

        if (call.IsCancellable && !_cancellable.TryAdd(callId, call))
        {
            SendError(callId, new InvalidOperationException($"Call id {callId} is already in flight."));
            return false;
        }

        Interlocked.Increment(ref _inFlight);

        if (call.Gate is null || call.Gate.TryEnter(call))
        {
            if (call.RunsInline)
            {
                _server.Watchdog.NoteInlineCall();
                long started = Math.Max(1, _server.Settings.TimeProvider.GetTimestamp()); // 0 means "no inline call"
                Volatile.Write(ref _inlineCall, call);
                Volatile.Write(ref _inlineSince, started);
                call.Execute();
                return Interlocked.CompareExchange(ref _inlineSince, 0, started) != started;
            }

            call.Schedule();
        }

        return false;
    }

    internal void CallFinished(ServerCall call)
    {
        Interlocked.Decrement(ref _inFlight);
        if (call.IsCancellable)
        {
            _cancellable.TryRemove(call.CallId, out _);
        }
    }

    internal void SendError(uint callId, Exception exception)
    {
        _server.CountError();
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            RemoteError.Write(frame, callId, exception);
            Send(frame);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }
}
