namespace Multiproc;

/// <summary>
/// A bag of named values held by a manager (Python's <c>manager.Namespace()</c>); also usable
/// through <c>dynamic</c>: <c>ns.Total = 3; long t = ns.Total;</c>.
/// </summary>
/// <remarks>
/// <para>Typed access (<see cref="GetValue{T}"/>) decodes as the requested type; <c>dynamic</c> reads give
/// primitives, arrays and maps. Each member is one atomic round trip.</para>
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
public interface ISharedNamespace : IDisposable
{
    /// <summary>Gets the names currently set, sorted.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Reads a named value.</summary>
    /// <typeparam name="T">The type to decode as.</typeparam>
    /// <param name="name">The name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The name is not set.</exception>
    T GetValue<T>(string name);

    /// <summary>Reads a named value if it is set.</summary>
    /// <typeparam name="T">The type to decode as.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <returns>False if the name is not set.</returns>
    bool TryGetValue<T>(string name, out T value);

    /// <summary>Sets a named value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="value">The value; a proxy is stored as a reference.</param>
    void SetValue<T>(string name, T value);

    /// <summary>Removes a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>False if it was not set.</returns>
    bool Remove(string name);
}
