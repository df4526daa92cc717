
namespace Multiproc.Soak;

/// <summary>The shared objects as the driver found them after every worker was gone.</summary>
internal sealed record ChaosEndState(
    List<long> Queued,
    List<long> Listed,
    Dictionary<string, long> Increments,
    long Counter,
    bool LockedAtEnd,
    bool LockAcquirable,
    int PermitsAtEnd,
    int PermitsAcquirable);
