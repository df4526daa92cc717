using System.Net;
using System.Net.Sockets;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>Picks loopback TCP ports that are free now (another program could still take one before it is used).</summary>
public static class FreePort
{
    /// <summary>Returns a port the kernel just handed out and released.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
