namespace Multiproc;

/// <summary>
/// A dictionary held by a manager and shared by every process with a proxy (Python's <c>manager.dict()</c>),
/// with the atomic verbs of <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>.
/// </summary>
/// <typeparam name="TKey">
/// The key type: primitives, strings, enums, Guid, dates, and records or tuples of those. Keys are equal
/// when their MessagePack encodings are byte-equal, so types whose encoding is not deterministic
/// (collections, <see cref="object"/>, proxies) are refused with <see cref="NotSupportedException"/>.
/// </typeparam>
/// <typeparam name="TValue">The value type; a proxy stored as a value is a reference that stays alive while stored.</typeparam>
/// <remarks>
/// <para>Each member is one round trip and atomic on the manager: <c>d[k] += 1</c> races between processes,
/// <see cref="SharedDictionaryExtensions.Increment{TKey, TValue}(ISharedDictionary{TKey, TValue}, TKey, TValue)"/> does not.
/// Enumeration, <see cref="IDictionary{TKey, TValue}.Keys"/> and <see cref="IDictionary{TKey, TValue}.Values"/> are snapshots.</para>
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
public interface ISharedDictionary<TKey, TValue> : IDictionary<TKey, TValue>, IDisposable
    where TKey : notnull
{
    /// <summary>Adds the pair if the key is absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>False if the key was present (nothing changed).</returns>
    bool TryAdd(TKey key, TValue value);

    /// <summary>Removes the key and returns its value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The removed value.</param>
    /// <returns>False if the key was absent.</returns>
    /// <remarks>If this process dies before it receives the value, the value goes back under its key
    /// (unless the key has been set again meanwhile).</remarks>
    bool TryRemove(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value);

    /// <summary>Sets the value only if the current value equals <paramref name="comparisonValue"/> (compare-and-swap).</summary>
    /// <param name="key">The key.</param>
    /// <param name="newValue">The value to store.</param>
    /// <param name="comparisonValue">The value expected now (compared by encoding).</param>
    /// <returns>True if it was replaced.</returns>
    bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue);

    /// <summary>Returns the value for the key, adding <paramref name="value"/> first if the key is absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to add if absent.</param>
    /// <returns>The value now stored.</returns>
    TValue GetOrAdd(TKey key, TValue value);

    /// <summary>Stores <paramref name="addValue"/> if the key is absent, otherwise <paramref name="updateValue"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="addValue">Stored when the key is absent.</param>
    /// <param name="updateValue">Stored when the key is present.</param>
    /// <returns>The value now stored.</returns>
    TValue AddOrUpdate(TKey key, TValue addValue, TValue updateValue);

    /// <summary>Returns the pairs present for the given keys, in one round trip.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The pairs found.</returns>
    IReadOnlyDictionary<TKey, TValue> GetMany(IEnumerable<TKey> keys);

    /// <summary>Sets many pairs in one round trip; all are checked before any is stored.</summary>
    /// <param name="pairs">The pairs.</param>
    void SetMany(IEnumerable<KeyValuePair<TKey, TValue>> pairs);

    /// <summary>Returns a copy of every pair, in one round trip.</summary>
    /// <returns>The snapshot.</returns>
    Dictionary<TKey, TValue> Snapshot();

    /// <summary>Looks up a key without blocking a thread.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>(true, value) or (false, default).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived.</exception>
    Task<(bool Success, TValue Value)> TryGetValueAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>Sets a key without blocking a thread.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when stored.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; the change may still have been made on the manager.</exception>
    Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default);

    /// <summary>Returns a copy of every pair without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived.</exception>
    Task<Dictionary<TKey, TValue>> SnapshotAsync(CancellationToken cancellationToken = default);
}
