using Multiproc.Orleans.Grains;
using Multiproc.Proxies;

namespace Multiproc.Orleans.Client;

/// <summary>Acknowledges the items of a queue take to their grain once the reply is decoded (<see cref="IResultAcknowledgement"/>).</summary>
/// <remarks>Blocks the decoding thread for one grain call; inside a silo the call is started from the thread pool, never the grain's own scheduler.</remarks>
internal sealed class GrainLeaseAcknowledgement(IWaitingObjectGrain grain, long objectId, long leaseId, bool insideGrains) : IResultAcknowledgement
{
    /// <inheritdoc/>
    public void Acknowledge()
    {
        try
        {
            Task acknowledging = insideGrains ? Task.Run(() => grain.AcknowledgeAsync(leaseId)) : grain.AcknowledgeAsync(leaseId);
            acknowledging.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not KeyNotFoundException && OrleansFailure.IsUnavailable(ex, CancellationToken.None))
        {
            throw OrleansFailure.Unavailable(objectId, ex);
        }
    }
}
