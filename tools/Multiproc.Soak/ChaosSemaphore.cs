namespace Multiproc.Soak;

/// <summary>Creates the semaphore the chaos workers share: one whose permits come back when a holder dies.</summary>
internal static class ChaosSemaphore
{
    /// <remarks>
    /// Permits are conserved only if a dead holder's permits return. Today's semaphore always does that, which is what
    /// <c>SemaphoreKind.Owned</c> names once <c>CreateSemaphoreAsync</c> takes a kind (whose default becomes Counting);
    /// from then on this line passes <c>SemaphoreKind.Owned</c>.
    /// </remarks>
    public static Task<ISharedSemaphore> CreateAsync(Manager manager, int permits, CancellationToken cancellationToken)
        => manager.CreateSemaphoreAsync(permits, permits, cancellationToken: cancellationToken);
}
