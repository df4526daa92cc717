namespace Multiproc;

/// <summary>
/// A bag of named values held by a manager (Python's <c>manager.Namespace()</c>); also usable
/// through <c>dynamic</c>: <c>ns.Total = 3; long t = ns.Total;</c>.
/// </summary>
/// <remarks>
/// Typed access (<see cref="GetValue{T}"/>) decodes as the requested type; <c>dynamic</c> reads give
/// primitives, arrays and maps. Each member is one atomic round trip.
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
