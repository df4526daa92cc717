using System.Diagnostics.CodeAnalysis;

namespace Multiproc;

/// <summary>
/// A manual-reset event held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Event()</c>).
/// </summary>
/// <remarks>
/// <para>Thread-safe. <see cref="Set"/> wakes every waiter in every process; the event stays set
/// until <see cref="Clear"/>. A wait holds no thread in the manager.</para>
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
public interface ISharedEvent : IDisposable
{
    /// <summary>Gets whether the event is set (a snapshot).</summary>
    bool IsSet { get; }

    /// <summary>Sets the event, waking every waiter.</summary>
    [SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "The public contract (DESIGN.md §2) follows Python's and .NET's event verbs.")]
    void Set();

    /// <summary>Resets the event; later waits block until the next <see cref="Set"/>.</summary>
    void Clear();

    /// <summary>Blocks until the event is set.</summary>
    /// <remarks>Only <see cref="Set"/> ends the wait; it has no timeout (use <see cref="Wait(TimeSpan)"/> or
    /// <see cref="WaitAsync(CancellationToken)"/> to bound it).</remarks>
    void Wait();

    /// <summary>Blocks until the event is set, at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> only tests.</param>
    /// <returns>False when the time ran out.</returns>
    bool Wait(TimeSpan timeout);

    /// <summary>Waits until the event is set, without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the event is set.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the event was set.</exception>
    Task WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the event is set, at most <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the event was set.</exception>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
