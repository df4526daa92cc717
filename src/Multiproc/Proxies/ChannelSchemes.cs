using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>Opens a call channel to an address of one scheme.</summary>
/// <param name="address">The whole address, scheme included.</param>
/// <param name="authKey">The key for that address.</param>
/// <param name="settings">The connect options snapshot.</param>
/// <param name="cancellationToken">Cancels the connect.</param>
internal delegate Task<ICallChannel> ChannelConnector(string address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken);

/// <summary>
/// Which backend serves an address, by its scheme: <c>unix:</c> and <c>tcp://</c> are a manager's
/// socket (<see cref="ClientConnection"/>); another assembly registers its own (for example
/// <c>orleans://</c>) before the first connect.
/// </summary>
/// <remarks>
/// Every path that opens a channel from an address goes through here: <c>Manager.ConnectAsync</c>,
/// and a worker process adopting proxies from its bootstrap. So a backend that registers its scheme
/// at start-up in the parent and in its workers (a module initializer does both) is reached the
/// same way as a manager. A worker handed an address of a backend this repository ships (<c>orleans://</c>)
/// may not have loaded that assembly yet: it is loaded by its fixed name on first use, if the app carries it.
/// Thread-safe.
/// </remarks>
internal static class ChannelSchemes
{
    private static readonly ConcurrentDictionary<string, ChannelConnector> s_connectors = new(StringComparer.OrdinalIgnoreCase);

    // The backends this repository ships, by scheme: a process that was handed an address of one (a
    // worker's bootstrap) may not have loaded its assembly yet, so its registration has not run. A
    // fixed table, never a name made from the address: an address picks no arbitrary assembly.
    private static readonly Dictionary<string, string> s_knownBackends = new(StringComparer.OrdinalIgnoreCase)
    {
        ["orleans"] = "Multiproc.Orleans",
        ["orleans+redis"] = "Multiproc.Orleans",
    };

    /// <summary>Registers the connector of <paramref name="scheme"/> (without <c>:</c> or <c>//</c>).</summary>
    /// <exception cref="ArgumentException">The scheme is built in, or already registered to another connector.</exception>
    public static void Register(string scheme, ChannelConnector connector)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(connector);
        if (IsSocketScheme(scheme))
        {
            throw new ArgumentException($"The scheme '{scheme}' is a manager's own.", nameof(scheme));
        }

        ChannelConnector registered = s_connectors.GetOrAdd(scheme, connector);
        if (registered != connector)
        {
            throw new ArgumentException($"The scheme '{scheme}' is already registered.", nameof(scheme));
        }
    }

    /// <summary>Opens a channel to <paramref name="address"/> with the connector of its scheme.</summary>
    /// <exception cref="FormatException">The address has no scheme this process knows, or is malformed.</exception>
    /// <exception cref="ManagerUnavailableException">Nothing answers at the address.</exception>
    public static async Task<ICallChannel> ConnectAsync(string address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        string scheme = SchemeOf(address);
        if (IsSocketScheme(scheme))
        {
            return await ClientConnection.ConnectAsync(ManagerAddress.Parse(address), authKey.ToArray(), settings, cancellationToken).ConfigureAwait(false);
        }

        if (!s_connectors.TryGetValue(scheme, out ChannelConnector? connector) && !(TryLoadKnownBackend(scheme) && s_connectors.TryGetValue(scheme, out connector)))
        {
            throw new FormatException($"No backend for the address '{address}': use unix:/path, tcp://host:port or tls://host:port, or reference the package that serves '{scheme}:' addresses.");
        }

        return await connector(address, authKey, settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a channel on the calling thread, which blocks: a Unix-socket manager is connected inline
    /// (no thread, task or timer started); any other address through <see cref="ConnectAsync"/>.
    /// </summary>
    /// <inheritdoc cref="ConnectAsync" path="/exception"/>
    public static ICallChannel Connect(string address, ReadOnlyMemory<byte> authKey, ConnectSettings settings)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (string.Equals(SchemeOf(address), "unix", StringComparison.OrdinalIgnoreCase))
        {
            return ClientConnection.ConnectInline(ManagerAddress.Parse(address), authKey.ToArray(), settings);
        }

        return ConnectAsync(address, authKey, settings, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Loads the backend assembly this repository ships for <paramref name="scheme"/>, if the app has it, and runs its registration.</summary>
    /// <returns>False when the scheme has no known backend or the app does not carry its assembly.</returns>
    private static bool TryLoadKnownBackend(string scheme)
    {
        if (!s_knownBackends.TryGetValue(scheme, out string? assemblyName))
        {
            return false;
        }

        try
        {
            Assembly assembly = Assembly.Load(new AssemblyName(assemblyName));
            // The backend registers its scheme in its module initializer, which loading alone does not run.
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static bool IsSocketScheme(string scheme)
        => string.Equals(scheme, "unix", StringComparison.OrdinalIgnoreCase) || string.Equals(scheme, "tcp", StringComparison.OrdinalIgnoreCase)
            || string.Equals(scheme, "tls", StringComparison.OrdinalIgnoreCase);

    // The scheme as written; every comparison of schemes ignores case. Not ToLowerInvariant: its
    // first call loads ICU, ~5 ms of a starting worker (docs/performance.md).
    private static string SchemeOf(string address)
    {
        int colon = address.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? address[..colon] : string.Empty;
    }
}
