namespace Multiproc;

/// <summary>
/// One value held by a manager (Python's <c>manager.Value</c>), with atomic exchange operations.
/// </summary>
/// <typeparam name="T">The value type; numbers also get <see cref="SharedValueExtensions.Increment{T}(ISharedValue{T}, T)"/>.</typeparam>
/// <remarks>
/// <para>Each member is one atomic round trip; comparisons are by encoding.</para>
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
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived.</exception>
    Task<T> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets the value without blocking a thread.</summary>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when stored.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the reply arrived; the change may still have been made on the manager.</exception>
    Task SetAsync(T value, CancellationToken cancellationToken = default);
}
