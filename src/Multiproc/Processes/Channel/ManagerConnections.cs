using System.Collections.Concurrent;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The process-wide connections that proxies received as worker arguments (or results) use:
/// one per manager address, opened on first use with the key that came with the proxy.
/// </summary>
/// <remarks>They live until the process exits, which closes them and releases every reference they held.</remarks>
internal static class ManagerConnections
{
    private static readonly ConcurrentDictionary<string, Lazy<Manager>> s_managers = new(StringComparer.Ordinal);

    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    public static Manager Get(string address, byte[] authKey)
    {
        Lazy<Manager> manager = s_managers.GetOrAdd(address, static (a, key) => new Lazy<Manager>(
            () => Manager.ConnectAsync(a, key).GetAwaiter().GetResult()), authKey);
        try
        {
            Manager connected = manager.Value;
            if (!connected.Connection.IsBroken)
            {
                return connected;
            }
        }
        catch (ManagerUnavailableException)
        {
            s_managers.TryRemove(new KeyValuePair<string, Lazy<Manager>>(address, manager));
            throw;
        }

        s_managers.TryRemove(new KeyValuePair<string, Lazy<Manager>>(address, manager));
        return Get(address, authKey);
    }
}
