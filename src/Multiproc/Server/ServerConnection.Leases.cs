using MessagePack;
using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>The leasing half: the client's receipts and returns, settled on the reader thread.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>
    /// Settles leases on the client's notice, on the reader thread in arrival order: a Receipt
    /// (<c>[7, callId, ...]</c>, one or more ids) commits, a Return (<c>[8, callId]</c>) gives back.
    /// </summary>
    private void SettleLeases(MessageKind kind, ref MessagePackReader reader, int length)
    {
        if (kind == MessageKind.Return)
        {
            Leases.Return(reader.ReadUInt32());
            return;
        }

        for (int i = 1; i < length; i++)
        {
            Leases.Commit(reader.ReadUInt32());
        }
    }
}
