using System.Net.Sockets;
using MessagePack;
using Multiproc.Protocol;
using Multiproc.Serialization;

namespace Multiproc.Proxies;

/// <summary>The reading half: the read role, the background reader, reply dispatch and failure.</summary>
internal sealed partial class ClientConnection
{
    private bool HasRepliesToRead => Volatile.Read(ref _pendingCount) > 0 || Volatile.Read(ref _abandonedCount) > 0;

    private bool TryTakeReadRole() => Interlocked.CompareExchange(ref _readRole, 1, 0) == 0;

    private void ReleaseReadRole()
    {
        FlushReceipts(force: true);
        Interlocked.Exchange(ref _readRole, 0);
        // Someone may have registered a call while we held the role and counted on us to read it.
        if (HasRepliesToRead)
        {
            RequestWake();
        }
    }

    private void WakeReaderIfIdle()
    {
        if (Volatile.Read(ref _readRole) == 0)
        {
            RequestWake();
        }
    }

    private void RequestWake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0)
        {
            _wake.Release();
        }
    }

    private void BackgroundReadLoop()
    {
        while (_failure is null)
        {
            _wake.Wait();
            Volatile.Write(ref _wakeRequested, 0);
            while (_failure is null && HasRepliesToRead && TryTakeReadRole())
            {
                try
                {
                    while (HasRepliesToRead)
                    {
                        ReadAndDispatch();
                    }
                }
                catch (Exception ex) when (ex is SocketException or EndOfStreamException or ObjectDisposedException or ProtocolViolationException or MessagePackSerializationException or OverflowException or InvalidOperationException)
                {
                    Fail(ex);
                }
                finally
                {
                    ReleaseReadRole();
                }
            }
        }
    }

    private void Dispatch(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        if (reader.ReadArrayHeader() < 3)
        {
            throw new ProtocolViolationException("A reply must have at least three elements.");
        }

        var kind = (MessageKind)reader.ReadByte();
        if (kind is not (MessageKind.Result or MessageKind.Error or MessageKind.LeasedResult))
        {
            throw new ProtocolViolationException($"Unexpected message kind {kind} from the manager.");
        }

        uint callId = reader.ReadUInt32();
        StartupTrace.MarkReplyReceived();
        PendingCall? call = Complete(callId);
        if (call is not null && kind == MessageKind.LeasedResult)
        {
            DeliverLeased(call, payload.Span);
        }
        else if (call is not null)
        {
            call.TryComplete(new Reply(payload.Span, callId, receiptTo: null));
        }
        else if (Interlocked.Decrement(ref _abandonedCount) < 0)
        {
            Interlocked.Increment(ref _abandonedCount);
        }

        if (call is null && kind != MessageKind.Error)
        {
            if (kind == MessageKind.LeasedResult)
            {
                // Nobody will receive it: the manager puts it back where it came from.
                SendReturn(callId);
            }

            // The caller gave up (cancelled); references the server handed us in this reply must go back.
            ReleaseOrphanedReferences(ref reader);
        }
    }

    private void ReleaseOrphanedReferences(ref MessagePackReader reader)
    {
        // No depth limit: the scan is iterative and nothing is decoded, and every reference must go back.
        // A reply nobody waits for never fails the connection: what cannot be scanned is dropped.
        var found = new List<long>();
        try
        {
            ReferenceScanner.Collect(ref reader, int.MaxValue, found);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            // Dropped: references after the malformed part stay owned by this connection until it closes.
        }

        foreach (long objectId in found)
        {
            Release(objectId);
        }
    }

    /// <summary>Removes a pending call; null if it was already completed or abandoned.</summary>
    private PendingCall? Complete(uint callId)
    {
        if (!_pending.TryRemove(callId, out PendingCall? call))
        {
            return null;
        }

        Interlocked.Decrement(ref _pendingCount);
        return call;
    }

    private void Fail(Exception cause)
    {
        lock (_pending)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = cause;
        }

        try
        {
            _socket.Shutdown();
        }
        catch (SocketException)
        {
            // Already closed by the peer.
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        _socket.Dispose();
        // Awaited leased results still waiting for their receipt's write fail with the sender.
        _sender.Abort(cause);
        foreach (uint callId in _pending.Keys)
        {
            Complete(callId)?.TryFail(Unavailable());
        }

        _wake.Release();
    }
}
