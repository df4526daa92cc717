using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Transport;

/// <summary>
/// The client's half of leased results: a receipt when the value reaches its caller, a return when
/// the caller had given up on the call.
/// </summary>
/// <remarks>
/// The receipt is written by the caller's thread as the reply is decoded, and written to the socket
/// before the value goes on to user code: once user code has a value, the manager has (or will read)
/// its receipt, so a process killed afterwards cannot have it handed out again. The reader thread
/// never writes a receipt, so it never blocks on a full socket while the manager waits for it to read.
/// </remarks>
internal sealed partial class ClientConnection
{
    /// <summary>Confirms that the leased result of <paramref name="callId"/> reached its caller; returns once the receipt is written.</summary>
    /// <exception cref="ManagerUnavailableException">The connection is broken: the manager gives the value back, so the caller must not use it.</exception>
    public void SendReceipt(uint callId)
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

    /// <summary>Gives back the leased result of a call its caller abandoned (the manager requeues it at once).</summary>
    private void SendReturn(uint callId) => SendNotice(MessageKind.Return, callId, null);
}
