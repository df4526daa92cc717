using System.Collections.Concurrent;
using Multiproc.Proxies;

namespace Multiproc.Processes.Channel;

/// <summary>
/// The process-wide channels that proxies received as worker arguments (or results) use:
/// one per address (of any registered scheme), opened on first use with the key that came with the proxy.
/// </summary>
/// <remarks>They live until the process exits, which closes them and releases every reference they held.</remarks>
internal static class ManagerConnections
{
    private static readonly ConcurrentDictionary<string, Lazy<ICallChannel>> s_managers = new(StringComparer.Ordinal);

    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    public static ICallChannel Get(string address, byte[] authKey)
    {
        Lazy<ICallChannel> manager = s_managers.GetOrAdd(address, static (a, key) => new Lazy<ICallChannel>(
            () => Connect(a, key)), authKey);
        try
        {
            ICallChannel connected = manager.Value;
            if (!connected.IsBroken)
            {
                return connected;
            }
        }
        catch (ManagerUnavailableException)
        {
            s_managers.TryRemove(new KeyValuePair<string, Lazy<ICallChannel>>(address, manager));
            throw;
        }

        s_managers.TryRemove(new KeyValuePair<string, Lazy<ICallChannel>>(address, manager));
        return Get(address, authKey);
    }

    private static ICallChannel Connect(string address, byte[] authKey)
        => ChannelSchemes.Connect(address, authKey, ConnectSettings.Default);
}
