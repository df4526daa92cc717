using System.Net;
using System.Net.Sockets;

namespace Multiproc.Bench;

/// <summary>A loopback TCP port free a moment ago (the OS picks it; another process could still take it first).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
