namespace Multiproc;

/// <summary>
/// One value held by a manager (Python's <c>manager.Value</c>), with atomic exchange operations.
/// </summary>
/// <typeparam name="T">The value type; numbers also get <see cref="SharedValueExtensions.Increment{T}(ISharedValue{T}, T)"/>.</typeparam>
/// <remarks>Each member is one atomic round trip; comparisons are by encoding.</remarks>
public interface ISharedValue<T> : IDisposable
{
    /// <summary>Gets or sets the value.</summary>
    T Value { get; set; }

    /// <summary>Stores a value and returns the previous one.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>The previous value.</returns>
    T Exchange(T value);

    /// <summary>Stores <paramref name="value"/> only if the current value equals <paramref name="comparand"/>.</summary>
    /// <param name="value">The new value.</param>
    /// <param name="comparand">The value expected now.</param>
    /// <returns>The value that was current (equal to <paramref name="comparand"/> if the exchange happened).</returns>
    T CompareExchange(T value, T comparand);

    /// <summary>Reads the value without blocking a thread.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value.</returns>
    Task<T> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets the value without blocking a thread.</summary>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when stored.</returns>
    Task SetAsync(T value, CancellationToken cancellationToken = default);
}
