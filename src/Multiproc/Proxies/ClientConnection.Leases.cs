using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Proxies;

/// <summary>
/// The client's half of leased results: a receipt when the value reaches its caller, a return when
/// the caller had given up on the call.
/// </summary>
/// <remarks>
/// The receipt is sent on the caller's side (an async caller's continuation, or a synchronous caller
/// as it decodes the reply) and is written to the socket before the value goes on to user code: once
/// user code has a value, the manager has (or will read) its receipt, so a process killed afterwards
/// cannot have it handed out again. Async receipts are batched like pipelined calls. The reader
/// thread never writes a receipt, so it never blocks on a full socket while the manager waits for
/// it to read.
/// </remarks>
internal sealed partial class ClientConnection
{
    /// <summary>Confirms that the leased result of <paramref name="callId"/> reached its caller; returns once the receipt is written.</summary>
    /// <exception cref="ManagerUnavailableException">The connection is broken: the manager gives the value back, so the caller must not use it.</exception>
    public void SendReceipt(uint callId)
    {
        try
        {
            WriteReceipt(callId, deferred: false);
        }
        catch (IOException ex)
        {
            Fail(ex);
            throw Unavailable();
        }
    }

    /// <summary>Awaits a call's reply; a leased result is acknowledged (its receipt written, batched with others) before it is returned.</summary>
    /// <exception cref="ManagerUnavailableException">The connection broke before the receipt was written (the manager takes the value back).</exception>
    private async ValueTask<Reply> ReceiveAsync(PendingCall call)
    {
        Reply reply = await call.AsValueTask().ConfigureAwait(false);
        if (reply.ReceiptTo is null)
        {
            return reply;
        }

        Task written;
        try
        {
            written = WriteReceipt(reply.CallId, deferred: true);
        }
        catch (IOException ex)
        {
            Fail(ex);
            throw Unavailable();
        }

        try
        {
            await written.ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            Fail(ex);
            throw Unavailable();
        }

        return reply.Acknowledged();
    }

    /// <summary>Writes a receipt: now (returns a completed task), or deferred into the next batch (the task completes once written).</summary>
    /// <exception cref="IOException">The socket failed.</exception>
    private Task WriteReceipt(uint callId, bool deferred)
    {
        ThrowIfBroken();
        FrameBuffer frame = FrameBuffer.Rent();
        try
        {
            var writer = new MessagePackWriter(frame);
            writer.WriteArrayHeader(2);
            writer.Write((byte)MessageKind.Receipt);
            writer.Write(callId);
            writer.Flush();
            frame.Seal(_maxFrameSize);
            if (deferred)
            {
                return _sender.SendDeferredAndWaitAsync(frame.Frame);
            }

            _sender.SendAndWait(frame.Frame);
            return Task.CompletedTask;
        }
        finally
        {
            FrameBuffer.Return(frame);
        }
    }

    /// <summary>Gives back the leased result of a call its caller abandoned (the manager requeues it at once).</summary>
    private void SendReturn(uint callId) => SendNotice(MessageKind.Return, callId, null);
}
