using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>Who is at the other end of an accepted socket, for inspection: a TCP endpoint, or a Unix socket's peer process.</summary>
internal static class PeerIdentity
{
    // SOL_SOCKET and SO_PEERCRED on Linux; struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
    private const int SocketLevel = 1;
    private const int PeerCredentials = 17;

    /// <summary>Gets the client's endpoint text: its TCP address and port, or <c>unix</c>.</summary>
    public static string Endpoint(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint is IPEndPoint ip ? ip.ToString() : "unix";
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return "closed";
        }
    }

    /// <summary>Gets the process id of a Unix socket's peer (SO_PEERCRED, Linux); null elsewhere or over TCP.</summary>
    public static int? ProcessId(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || socket.AddressFamily != AddressFamily.Unix)
        {
            return null;
        }

        try
        {
            Span<byte> credentials = stackalloc byte[12];
            int length = socket.GetRawSocketOption(SocketLevel, PeerCredentials, credentials);
            return length >= 4 ? BitConverter.ToInt32(credentials) : null;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
