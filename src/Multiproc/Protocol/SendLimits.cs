namespace Multiproc.Protocol;

/// <summary>How much a bounded <see cref="FrameSender"/> may hold for a peer, and how long the peer may take nothing.</summary>
/// <param name="MaxBytes">The most bytes waiting to be sent; a frame that would pass it faults the sender.</param>
/// <param name="StallTimeout">How long the peer may take nothing while bytes wait before the sender faults.</param>
/// <param name="TimeProvider">The clock the stall is measured with.</param>
internal sealed record SendLimits(long MaxBytes, TimeSpan StallTimeout, TimeProvider TimeProvider)
{
    /// <summary>Gets the backlog above which the connection's reader stops taking requests.</summary>
    public long HighWater => MaxBytes / 2;

    /// <summary>Gets the backlog below which a stopped reader resumes.</summary>
    public long LowWater => MaxBytes / 4;
}
