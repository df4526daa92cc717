using System.Diagnostics.CodeAnalysis;

namespace Multiproc;

/// <summary>
/// A FIFO queue held by a manager and shared by every process with a proxy (Python's
/// <c>manager.Queue()</c> / <c>JoinableQueue</c>, shaped like <see cref="System.Collections.Concurrent.BlockingCollection{T}"/>).
/// </summary>
/// <typeparam name="T">The item type: primitives, strings, records, arrays, or shared-object proxies (stored as references).</typeparam>
/// <remarks>
/// <para>Thread-safe; each member is one round trip, atomic on the manager. A waiting take or put
/// holds no manager thread and never delays other calls on the same connection.</para>
/// <para>Bounded queues (capacity &gt; 0) make puts wait for space. <see cref="CompleteAdding"/>
/// replaces Python's <c>None</c> sentinels: consumers' enumerations end once the queue is completed
/// and empty. <see cref="TaskDone"/>/<see cref="Join()"/> give the joinable-queue pattern.</para>
/// <para>Delivery: an item whose put returned is either in the queue or was received by exactly one
/// taker. Cancelling a take (or a timeout) never loses an item: either the take returns it or the
/// item stays in the queue. An item sent to a process that dies before it received it (its
/// connection closes before the client's receipt arrives) goes back ahead of every item put after
/// it; the client acknowledges an item before the take returns it to your code, so the one item a
/// process can take with it is one it was killed while returning.</para>
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
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The public contract (DESIGN.md §2) names it after Python's Queue.")]
public interface ISharedQueue<T> : IDisposable
{
    /// <summary>Gets the number of items stored (not counting puts still waiting for space).</summary>
    int Count { get; }

    /// <summary>Gets the maximum number of items stored; 0 means unbounded.</summary>
    int Capacity { get; }

    /// <summary>Gets whether <see cref="CompleteAdding"/> has been called.</summary>
    bool IsAddingCompleted { get; }

    /// <summary>Gets whether adding is completed and the queue is empty: no item will ever be taken again.</summary>
    bool IsCompleted { get; }

    /// <summary>Adds an item, blocking while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <remarks>The wait ends when a take makes space or <see cref="CompleteAdding"/> is called; it has no timeout
    /// (use <see cref="TryPut"/>, <see cref="TryPutAsync"/> or <see cref="PutAsync"/> to bound it).</remarks>
    /// <exception cref="InvalidOperationException">Adding has been completed (also while this put waited); the item was not added.</exception>
    void Put(T item);

    /// <summary>Adds an item if there is space within <paramref name="timeout"/>.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait for space; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>False when the time ran out (the item was not added).</returns>
    /// <exception cref="InvalidOperationException">Adding has been completed (also while this put waited); the item was not added.</exception>
    bool TryPut(T item, TimeSpan timeout);

    /// <summary>Adds an item if there is space within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait for space; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Cancels the wait; the item is then not added.</param>
    /// <returns>False when the time ran out (the item was not added).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or too large.</exception>
    /// <exception cref="InvalidOperationException">Adding has been completed (also while this put waited); the item was not added.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the item was added; it was not added.</exception>
    Task<bool> TryPutAsync(T item, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Adds an item, waiting asynchronously while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Cancels the wait; the item is then not added.</param>
    /// <returns>A task that completes when the item is in the queue.</returns>
    /// <exception cref="InvalidOperationException">Adding has been completed (also while this put waited); the item was not added.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the item was added; it was not added.</exception>
    Task PutAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>Adds many items in order in one round trip, blocking while a bounded queue is full.</summary>
    /// <param name="items">The items.</param>
    /// <remarks>The wait ends when takes make space for every item or <see cref="CompleteAdding"/> is called; it has no timeout.</remarks>
    /// <exception cref="InvalidOperationException">Adding has been completed; if that happened while this put waited, the items added before then stay added.</exception>
    void PutMany(IEnumerable<T> items);

    /// <summary>Adds many items in order in one round trip, waiting asynchronously for space.</summary>
    /// <param name="items">The items.</param>
    /// <param name="cancellationToken">Cancels the wait; items added before it fired stay added.</param>
    /// <returns>A task that completes when every item is in the queue.</returns>
    /// <exception cref="InvalidOperationException">Adding has been completed; if that happened while this put waited, the items added before then stay added.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before every item was added; the items added before then stay added.</exception>
    Task PutManyAsync(IEnumerable<T> items, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the oldest item, blocking until there is one.</summary>
    /// <returns>The item.</returns>
    /// <remarks>The wait ends when an item is put or the queue is completed; it has no timeout
    /// (use <see cref="TryTake"/> or <see cref="TakeAsync"/> to bound it).</remarks>
    /// <exception cref="InvalidOperationException">The queue is completed (adding completed and empty), also while this take waited.</exception>
    T Take();

    /// <summary>Removes and returns the oldest item, waiting asynchronously until there is one.</summary>
    /// <param name="cancellationToken">Cancels the wait; no item is lost.</param>
    /// <returns>The item.</returns>
    /// <exception cref="InvalidOperationException">The queue is completed (adding completed and empty), also while this take waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before an item was handed over; no item was taken.</exception>
    Task<T> TakeAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the oldest item if one arrives within <paramref name="timeout"/>.</summary>
    /// <param name="item">The item taken.</param>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <returns>False when the time ran out or the queue is completed.</returns>
    bool TryTake(out T item, TimeSpan timeout);

    /// <summary>Removes the oldest item if one arrives within <paramref name="timeout"/>, without blocking a thread.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> does not wait.</param>
    /// <param name="cancellationToken">Cancels the wait; no item is lost.</param>
    /// <returns>(true, item), or (false, default) when the time ran out or the queue is completed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before an item was handed over; no item was taken.</exception>
    Task<(bool Success, T Value)> TryTakeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Removes up to <paramref name="maxCount"/> items in one round trip, blocking until there is at least one.</summary>
    /// <param name="maxCount">The most items to return (at least 1).</param>
    /// <remarks>The wait ends when an item is put or the queue is completed; it has no timeout.</remarks>
    /// <returns>
    /// 1..<paramref name="maxCount"/> items, oldest first (fewer when more would not fit in one reply of
    /// the manager's <c>MaxFrameSize</c>); empty once the queue is completed.
    /// </returns>
    T[] TakeMany(int maxCount);

    /// <summary>Removes up to <paramref name="maxCount"/> items in one round trip, waiting asynchronously for at least one.</summary>
    /// <param name="maxCount">The most items to return (at least 1).</param>
    /// <param name="cancellationToken">Cancels the wait; no item is lost.</param>
    /// <returns>1..<paramref name="maxCount"/> items, oldest first (fewer when more would not fit in one reply); empty once the queue is completed.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before items were handed over; no item was taken.</exception>
    Task<T[]> TakeManyAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Marks the queue as accepting no more items; takers finish the remaining items, then their enumerations end.</summary>
    /// <remarks>Puts waiting for space fail with <see cref="InvalidOperationException"/>. Idempotent.</remarks>
    void CompleteAdding();

    /// <summary>Takes items as they arrive until the queue is completed (adding completed and empty).</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>; no item is lost.</param>
    /// <returns>A blocking enumerable; each step is one take.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while a step waited; no item was taken by that step.</exception>
    IEnumerable<T> GetConsumingEnumerable(CancellationToken cancellationToken = default);

    /// <summary>Takes items as they arrive, without blocking a thread, until the queue is completed.</summary>
    /// <param name="cancellationToken">Ends the enumeration with <see cref="OperationCanceledException"/>; no item is lost.</param>
    /// <returns>An asynchronous enumerable; each step is one take.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while a step waited; no item was taken by that step.</exception>
    IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks one taken item as processed (Python's <c>task_done</c>).</summary>
    /// <exception cref="InvalidOperationException">Called more times than items were put.</exception>
    void TaskDone();

    /// <summary>Blocks until every item ever put has been marked done with <see cref="TaskDone"/>.</summary>
    /// <remarks>Items taken by a process that then dies (or disconnects) without calling
    /// <see cref="TaskDone"/> count as done once its connection closes: <see cref="Join()"/> does not
    /// wait for a consumer that is gone, but that consumer's work may not have happened. The wait has no
    /// timeout (use <see cref="Join(TimeSpan)"/> or <see cref="JoinAsync(TimeSpan, CancellationToken)"/> to bound it).</remarks>
    void Join();

    /// <summary>Waits until every item put has been marked done, within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>False when the time ran out.</returns>
    bool Join(TimeSpan timeout);

    /// <summary>Waits asynchronously until every item put has been marked done.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when no item is unfinished.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before every item was marked done.</exception>
    Task JoinAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits asynchronously until every item put has been marked done, within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>False when the time ran out.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or too large.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before every item was marked done.</exception>
    Task<bool> JoinAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}
