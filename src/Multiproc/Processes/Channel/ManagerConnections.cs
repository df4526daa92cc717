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
    private static readonly ConcurrentDictionary<string, Lazy<ControlChannel>> s_managers = new(StringComparer.Ordinal);

    /// <exception cref="ManagerUnavailableException">The manager cannot be reached.</exception>
    public static ControlChannel Get(string address, byte[] authKey)
    {
        Lazy<ControlChannel> manager = s_managers.GetOrAdd(address, static (a, key) => new Lazy<ControlChannel>(
            () => Connect(a, key)), authKey);
        try
        {
            ControlChannel connected = manager.Value;
            if (!connected.Channel.IsBroken)
            {
                return connected;
            }
        }
        catch (ManagerUnavailableException)
        {
            s_managers.TryRemove(new KeyValuePair<string, Lazy<ControlChannel>>(address, manager));
            throw;
        }

        s_managers.TryRemove(new KeyValuePair<string, Lazy<ControlChannel>>(address, manager));
        return Get(address, authKey);
    }

    private static ControlChannel Connect(string address, byte[] authKey)
        => new(ChannelSchemes.ConnectAsync(address, authKey, ConnectSettings.Default, CancellationToken.None).GetAwaiter().GetResult());
}
