using System.Numerics;
using Multiproc.Proxies.BuiltIns;

namespace Multiproc;

/// <summary>Atomic numeric updates of shared values.</summary>
public static class SharedValueExtensions
{
    /// <summary>Adds <paramref name="delta"/> on the manager, atomically.</summary>
    /// <typeparam name="T">A number type.</typeparam>
    /// <param name="value">A shared value proxy.</param>
    /// <param name="delta">The amount to add (may be negative).</param>
    /// <returns>The new value.</returns>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    /// <exception cref="NotSupportedException"><paramref name="value"/> is not a proxy created by a <see cref="Manager"/>.</exception>
    public static T Increment<T>(this ISharedValue<T> value, T delta)
        where T : INumber<T>
        => Proxy(value).Increment(delta);

    /// <summary>Adds <paramref name="delta"/> atomically without blocking a thread.</summary>
    /// <typeparam name="T">A number type.</typeparam>
    /// <param name="value">A shared value proxy.</param>
    /// <param name="delta">The amount to add.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The new value.</returns>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    /// <exception cref="NotSupportedException"><paramref name="value"/> is not a proxy created by a <see cref="Manager"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; the addition may still have been made on the manager.</exception>
    public static Task<T> IncrementAsync<T>(this ISharedValue<T> value, T delta, CancellationToken cancellationToken = default)
        where T : INumber<T>
        => Proxy(value).IncrementAsync(delta, cancellationToken);

    private static SharedValueProxy<T> Proxy<T>(ISharedValue<T> value)
        => value as SharedValueProxy<T> ?? throw new NotSupportedException("Increment works on shared value proxies created by a Manager.");
}
