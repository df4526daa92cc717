namespace Multiproc;

/// <summary>
/// A cyclic barrier for a fixed number of participants, held by a manager and shared by every
/// process with a proxy (Python's <c>manager.Barrier()</c>, shaped like <see cref="Barrier"/>).
/// </summary>
/// <remarks>
/// <para>When the last participant signals, every waiter is released and the phase number
/// advances. A signal that times out or is cancelled is withdrawn (the barrier stays usable), as
/// with <see cref="Barrier.SignalAndWait(TimeSpan)"/>.</para>
/// <para>Robustness: a connection that has signalled is a participant. If it closes (its process
/// exited or was killed), the barrier breaks — current waiters and every later signal fail with
/// <see cref="BarrierPostPhaseException"/> instead of waiting forever — until <see cref="Reset"/>.</para>
/// <para><b>Failures.</b> Every member is a call to the manager. It throws
/// <see cref="ManagerUnavailableException"/> when the manager cannot be reached: it was shut down or its
/// process died, the connection broke or was closed by disposing the <see cref="Manager"/>, or a call in
/// flight heard nothing from the manager for <see cref="ConnectOptions.LivenessTimeout"/> (a call in
/// flight when the connection breaks may or may not have taken effect). It throws
/// <see cref="ObjectDisposedException"/> after this proxy was disposed, and
/// <see cref="OperationCanceledException"/> when a member's cancellation token fires (each such member
/// says what has then happened). A waiting member without a timeout or token ends only with its outcome
/// or with <see cref="ManagerUnavailableException"/>. Errors the object itself raises are listed on each
/// member.</para>
/// </remarks>
public interface ISharedBarrier : IDisposable
{
    /// <summary>Gets the number of signals that complete a phase.</summary>
    int ParticipantCount { get; }

    /// <summary>Gets how many signals the current phase still needs (a snapshot).</summary>
    int ParticipantsRemaining { get; }

    /// <summary>Gets the number of the current phase; the first is 0.</summary>
    long CurrentPhaseNumber { get; }

    /// <summary>Gets whether a participant's connection closed and broke the barrier.</summary>
    bool IsBroken { get; }

    /// <summary>Signals arrival and blocks until every participant has arrived.</summary>
    /// <remarks>The wait ends when the last participant signals, the barrier breaks, or <see cref="Reset"/> is
    /// called; it has no timeout (use <see cref="SignalAndWait(TimeSpan)"/> or <see cref="SignalAndWaitAsync(CancellationToken)"/> to bound it).</remarks>
    /// <returns>The number of the phase that completed.</returns>
    /// <exception cref="BarrierPostPhaseException">The barrier is broken (a participant's connection closed), or <see cref="Reset"/> was called while this signal waited.</exception>
    long SignalAndWait();

    /// <summary>Signals arrival and blocks until every participant has arrived or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>False when the time ran out; the signal was then withdrawn.</returns>
    /// <exception cref="BarrierPostPhaseException">The barrier is broken (a participant's connection closed), or <see cref="Reset"/> was called while this signal waited.</exception>
    bool SignalAndWait(TimeSpan timeout);

    /// <summary>Signals arrival and waits, without blocking a thread, until every participant has arrived.</summary>
    /// <param name="cancellationToken">Cancels the wait; the signal is withdrawn unless the phase completed first.</param>
    /// <returns>The number of the phase that completed.</returns>
    /// <exception cref="BarrierPostPhaseException">The barrier is broken (a participant's connection closed), or <see cref="Reset"/> was called while this signal waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the phase completed; the signal was withdrawn.</exception>
    Task<long> SignalAndWaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Signals arrival and waits, without blocking a thread, until every participant has arrived or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait; the signal is withdrawn unless the phase completed first.</param>
    /// <returns>False when the time ran out; the signal was then withdrawn.</returns>
    /// <exception cref="BarrierPostPhaseException">The barrier is broken (a participant's connection closed), or <see cref="Reset"/> was called while this signal waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the phase completed; the signal was withdrawn.</exception>
    Task<bool> SignalAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Clears a break and the current phase's signals; current waiters fail with <see cref="BarrierPostPhaseException"/>.</summary>
    void Reset();
}
