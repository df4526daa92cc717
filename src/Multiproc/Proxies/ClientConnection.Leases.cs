using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>
/// The client's half of leased results: a receipt when the value reaches its caller, a return when
/// the caller had given up on the call.
/// </summary>
/// <remarks>
/// <para>The receipt is written to the socket before the value goes on to user code: once user code
/// has a value, the manager has (or will read) its receipt, so a process killed afterwards cannot
/// have it handed out again.</para>
/// <para>Awaited calls' results are held by the reader as they arrive (<see cref="ReceiptBatch"/>).
/// When no whole reply is left in the read buffer, one receipt naming all of them is queued and sent
/// by the reader if the socket has room for it now (else by a scheduled flush), and its write
/// completes the calls: one continuation per call, as for any reply. A blocked caller writes its own
/// receipt as it decodes the reply (<see cref="Reply.Decode"/>). The reader never waits on the
/// socket's send side, so it never blocks on a full socket while the manager waits for it to read.</para>
/// </remarks>
internal sealed partial class ClientConnection
{
    // Results held by the read role's holder for the next receipt (only that holder touches it).
    private ReceiptBatch? _heldReceipts;

    // One delegate for every batch (a method group would allocate one per batch).
    private readonly Func<IOException, Exception> _unavailableAfter;

    /// <summary>Confirms that the leased result of <paramref name="callId"/> reached its caller; returns once the receipt is written.</summary>
    /// <exception cref="ManagerUnavailableException">The connection is broken: the manager gives the value back, so the caller must not use it.</exception>
    public void SendReceipt(uint callId)
    {
        ThrowIfBroken();
        FrameBuffer frame = RentNotice(MessageKind.Receipt, callId, null);
        try
        {
            _sender.SendAndWait(frame.Frame);
        }
        catch (IOException ex)
        {
            Fail(ex);
            throw Unavailable();
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>
    /// Hands a leased result to its caller: an awaited call once its receipt is written (held for
    /// the next receipt, never written on this thread), a blocked caller at once, owing the receipt.
    /// </summary>
    private void DeliverLeased(PendingCall call, ReadOnlySpan<byte> payload)
    {
        if (!call.IsAwaited)
        {
            call.TryComplete(new Reply(payload, call.CallId, receiptTo: this));
            return;
        }

        _heldReceipts ??= new ReceiptBatch(_unavailableAfter);
        _heldReceipts.Add(call, new Reply(payload, call.CallId, receiptTo: null));
        if (_heldReceipts.Count >= ReceiptBatch.MaxCalls)
        {
            FlushReceipts(force: true);
        }
    }

    /// <summary>
    /// Sends the receipt for the results held, once no whole reply is left in the read buffer (so
    /// one receipt covers one receive), or at once when <paramref name="force"/> (the read role is
    /// given up, or the batch is full).
    /// </summary>
    /// <remarks>Never blocks: a socket without room leaves it to a scheduled flush.</remarks>
    private void FlushReceipts(bool force)
    {
        if (_heldReceipts is not { } batch || (!force && _reader.HasBufferedFrame))
        {
            return;
        }

        _heldReceipts = null;
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            batch.WriteReceipt(ref writer);
            writer.Flush();
            frame.Seal(_maxFrameSize);
            _sender.Hold(frame.Frame, batch);
        }
        finally
        {
            FrameBuffer.Return(frame);
        }

        _sender.FlushWithoutBlocking();
    }

    /// <remarks>Called under the sender's lock: builds the error only (the sender's fault callback fails the connection).</remarks>
    private ManagerUnavailableException UnavailableAfter(IOException fault)
        => new($"The manager at {Address} is not available: {fault.Message}", fault);

    /// <summary>Gives back the leased result of a call its caller abandoned (the manager requeues it at once).</summary>
    private void SendReturn(uint callId) => SendNotice(MessageKind.Return, callId, null);
}
