using System.Net;
using System.Net.Sockets;

namespace Multiproc.Bench;

/// <summary>
/// A loopback TCP port free a moment ago, below Linux' ephemeral range (32768–60999) so that no outgoing
/// connection of this machine takes it meanwhile; another listener still could, so starters retry.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        while (true)
        {
            int port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }
}
