namespace Multiproc.Soak;

/// <summary>Creates the semaphore the chaos workers share: one whose permits come back when a holder dies.</summary>
internal static class ChaosSemaphore
{
    /// <remarks>
    /// Permits are conserved across SIGKILLs only if a dead holder's permits return: <see cref="SemaphoreKind.Owned"/>.
    /// A <see cref="SemaphoreKind.Counting"/> semaphore keeps a dead holder's permits consumed by design, and the
    /// "permits conserved" check would then report every kill inside a section.
    /// </remarks>
    public static Task<ISharedSemaphore> CreateAsync(Manager manager, int permits, CancellationToken cancellationToken)
        => manager.CreateSemaphoreAsync(permits, permits, SemaphoreKind.Owned, cancellationToken);
}
