namespace Multiproc;

/// <summary>
/// What a shared semaphore's permits mean, and so what happens to them when a process dies;
/// chosen once, at <see cref="Manager.CreateSemaphoreAsync"/>.
/// </summary>
/// <remarks>
/// <para>Pick <see cref="Counting"/> (the default) when permits are signals or counted resources
/// passed between processes: a producer releases, a consumer acquires and exits. Pick
/// <see cref="Owned"/> to limit concurrency (at most N processes inside a section) and be sure a
/// process killed inside the section does not keep its place forever.</para>
/// <para>A semaphore cannot be both: returning the permits of a dead process is only sound when
/// every permit was taken by the process that gives it back, which is exactly the rule
/// <see cref="Owned"/> enforces.</para>
/// </remarks>
public enum SemaphoreKind
{
    /// <summary>
    /// Python's and the BCL's meaning, and the default: any process may release, a release adds a
    /// permit, and nothing comes back when a process exits or dies. Permits a dead process had
    /// acquired stay consumed.
    /// </summary>
    Counting = 0,

    /// <summary>
    /// Permits belong to the connection (process) that acquired them: only a holder may release, a
    /// release gives back the caller's own permits (<see cref="System.Threading.SynchronizationLockException"/>
    /// otherwise), and every permit a connection holds comes back when it closes, also when its
    /// process was killed. There are never more permits than the initial count, which must be at least 1.
    /// </summary>
    Owned = 1,
}
