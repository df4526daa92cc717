namespace Multiproc;

/// <summary>
/// A list held by a manager and shared by every process with a proxy (Python's <c>manager.list()</c>).
/// </summary>
/// <typeparam name="T">The element type: primitives, strings, records, arrays, or shared-object proxies (stored as references).</typeparam>
/// <remarks>
/// <para>Each member is one round trip and atomic on the manager. Enumeration is over a snapshot
/// (<see cref="ToArray"/>), so it never observes a half-done change. Storing a proxy stores a
/// reference: reading it back gives a proxy to the same object, which stays alive while stored.</para>
/// <para>Thread-safe. Index errors throw <see cref="ArgumentOutOfRangeException"/>.</para>
/// <para>A popped item reaches exactly one caller: if the popping process dies before it receives the
/// item, or a <see cref="TryPopAsync"/> is cancelled too late to stop the pop, the item goes back to
/// its index. A read whose reply would exceed the manager's <c>MaxFrameSize</c> throws
/// <see cref="InvalidOperationException"/> (it is never truncated).</para>
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
public interface ISharedList<T> : IList<T>, IReadOnlyList<T>, IDisposable
{
    /// <summary>Gets the number of items (resolves the ambiguity of the two base interfaces).</summary>
    new int Count { get; }

    /// <summary>Gets or sets the item at <paramref name="index"/>.</summary>
    /// <param name="index">A position within 0..Count-1.</param>
    new T this[int index] { get; set; }

    /// <summary>Appends many items in one round trip.</summary>
    /// <param name="items">The items.</param>
    void AddRange(IEnumerable<T> items);

    /// <summary>Returns all items in one round trip.</summary>
    /// <exception cref="InvalidOperationException">The items are larger than one reply can carry (the manager's <c>MaxFrameSize</c>).</exception>
    /// <returns>A snapshot.</returns>
    T[] ToArray();

    /// <summary>Removes and returns the last item (Python's <c>pop()</c>).</summary>
    /// <returns>The item.</returns>
    /// <exception cref="InvalidOperationException">The list is empty.</exception>
    T Pop();

    /// <summary>Removes the last item if there is one.</summary>
    /// <param name="item">The item removed.</param>
    /// <returns>False when the list was empty.</returns>
    bool TryPop(out T item);

    /// <summary>Appends an item without blocking a thread.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the item is stored.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; the change may still have been made on the manager.</exception>
    Task AddAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Returns all items without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A snapshot.</returns>
    /// <exception cref="InvalidOperationException">The items are larger than one reply can carry (the manager's <c>MaxFrameSize</c>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived.</exception>
    Task<T[]> ToArrayAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the last item if there is one, without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>(true, item) or (false, default) when empty.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; an item popped meanwhile goes back to its index.</exception>
    Task<(bool Success, T Value)> TryPopAsync(CancellationToken cancellationToken = default);
}
