using Multiproc.Orleans.Grains;
using Multiproc.Proxies;

namespace Multiproc.Orleans.Client;

/// <summary>Acknowledges the items of a queue take to their grain once the reply is decoded (<see cref="IResultAcknowledgement"/>).</summary>
/// <remarks>
/// <para>Blocks the decoding thread for one grain call; inside a silo the call is started from the thread pool, never the grain's own scheduler.</para>
/// <para>Never fails the take: the items are decoded and are the caller's. When the acknowledgement cannot be confirmed
/// (the silo died, the reply was lost, or the lease had ended), the items may also go back to the queue and be
/// delivered again: delivery is at-least-once. Failing the take instead would lose them whenever the acknowledgement
/// had landed and only its reply was lost, and a sliced take would even repeat itself past them.</para>
/// </remarks>
internal sealed class GrainLeaseAcknowledgement(IWaitingObjectGrain grain, long leaseId, bool insideGrains) : IResultAcknowledgement
{
    /// <inheritdoc/>
    public void Acknowledge()
    {
        try
        {
            Task acknowledging = insideGrains ? Task.Run(() => grain.AcknowledgeAsync(leaseId)) : grain.AcknowledgeAsync(leaseId);
            acknowledging.GetAwaiter().GetResult();
        }
        catch (KeyNotFoundException)
        {
            // The lease ended first (or the object was restored elsewhere): its items went back to the queue.
        }
        catch (Exception ex) when (OrleansFailure.IsUnavailable(ex, CancellationToken.None))
        {
            // Whether it landed is unknown: if not, the lease returns the items when it ends.
        }
    }
}
