using System.Numerics;
using Multiproc.Proxies.BuiltIns;

namespace Multiproc;

/// <summary>Atomic numeric updates of shared dictionaries.</summary>
public static class SharedDictionaryExtensions
{
    /// <summary>Adds <paramref name="delta"/> to the number under <paramref name="key"/> on the manager, atomically; an absent key counts as zero.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">A number type.</typeparam>
    /// <param name="dictionary">A shared dictionary proxy.</param>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount to add (may be negative).</param>
    /// <returns>The new value.</returns>
    /// <exception cref="InvalidOperationException">The stored value is not a number.</exception>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    /// <exception cref="NotSupportedException"><paramref name="dictionary"/> is not a proxy created by a <see cref="Manager"/>.</exception>
    public static TValue Increment<TKey, TValue>(this ISharedDictionary<TKey, TValue> dictionary, TKey key, TValue delta)
        where TKey : notnull
        where TValue : INumber<TValue>
        => Proxy(dictionary).Increment(key, delta);

    /// <summary>Adds <paramref name="delta"/> atomically without blocking a thread.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">A number type.</typeparam>
    /// <param name="dictionary">A shared dictionary proxy.</param>
    /// <param name="key">The key.</param>
    /// <param name="delta">The amount to add.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="InvalidOperationException">The stored value is not a number.</exception>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    /// <exception cref="NotSupportedException"><paramref name="dictionary"/> is not a proxy created by a <see cref="Manager"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; the addition may still have been made on the manager.</exception>
    public static Task<TValue> IncrementAsync<TKey, TValue>(this ISharedDictionary<TKey, TValue> dictionary, TKey key, TValue delta, CancellationToken cancellationToken = default)
        where TKey : notnull
        where TValue : INumber<TValue>
        => Proxy(dictionary).IncrementAsync(key, delta, cancellationToken);

    private static SharedDictionaryProxy<TKey, TValue> Proxy<TKey, TValue>(ISharedDictionary<TKey, TValue> dictionary)
        where TKey : notnull
        => dictionary as SharedDictionaryProxy<TKey, TValue>
            ?? throw new NotSupportedException("Increment works on shared dictionary proxies created by a Manager.");
}
