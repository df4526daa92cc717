using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>Turns on TCP keepalive, so a peer host that vanished (power loss, network cut, no RST) is noticed.</summary>
/// <remarks>
/// The kernel probes after 15 s of silence, every 5 s, and gives up after 3 unanswered probes: the
/// connection then fails (about 30 s in all). A stopped but living peer still answers probes (its
/// kernel does), so keepalive never drops a paused process. Unix sockets need none: the kernel
/// closes them when the peer process dies.
/// </remarks>
internal static class TcpKeepAlive
{
    public static void Enable(Socket socket)
    {
        if (socket.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }

        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 15);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException)
        {
            // Best effort: a platform without the timing options keeps its defaults (or none).
        }
    }
}
