using System.Diagnostics.CodeAnalysis;

namespace Multiproc;

/// <summary>
/// A manual-reset event held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Event()</c>).
/// </summary>
/// <remarks>Thread-safe. <see cref="Set"/> wakes every waiter in every process; the event stays set
/// until <see cref="Clear"/>. A wait holds no thread in the manager.</remarks>
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
    void Wait();

    /// <summary>Blocks until the event is set, at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> only tests.</param>
    /// <returns>False when the time ran out.</returns>
    bool Wait(TimeSpan timeout);

    /// <summary>Waits until the event is set, without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the event is set.</returns>
    Task WaitAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the event is set, at most <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
