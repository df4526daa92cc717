using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>The leasing half: what this connection's client has been handed and not yet acknowledged.</summary>
internal sealed partial class ServerConnection
{
    /// <summary>Gets the leases of results sent to this client and not yet acknowledged.</summary>
    public LeaseTable Leases { get; } = new();

    /// <summary>Settles a lease on the client's Receipt or Return notice (on the reader thread, in arrival order).</summary>
    private void SettleLease(MessageKind kind, uint callId)
    {
        if (kind == MessageKind.Receipt)
        {
            Leases.Commit(callId);
        }
        else
        {
            Leases.Return(callId);
        }
    }
}
