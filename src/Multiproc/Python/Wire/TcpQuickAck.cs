using System.Net.Sockets;

namespace Multiproc.Python.Wire;

/// <summary>Arms Linux's <c>TCP_QUICKACK</c> on a TCP socket, so the next segment received is acknowledged at once.</summary>
/// <remarks>
/// <para>
/// Why: a stock CPython client writes its handshake and its first request as several small segments
/// (<c>#WELCOME#</c>, then the pickled request) without <c>TCP_NODELAY</c>. Nagle's algorithm holds the second
/// segment until the first is acknowledged, and the server's kernel delays that ACK by ~40 ms. A server cannot
/// set the client's <c>TCP_NODELAY</c>, but it can acknowledge at once. The protocol review measured a stock
/// <c>connect()</c> at 47 ms without it and about 5 ms with it.
/// </para>
/// <para>
/// The kernel clears the flag again on its own (it is a mode, not a setting), so a Python-protocol reader re-arms
/// it before every receive: one <c>setsockopt</c> per read. Elsewhere (not Linux, not TCP) it does nothing.
/// </para>
/// </remarks>
internal static class TcpQuickAck
{
    private const int IpProtoTcp = 6;
    private const int QuickAckOption = 12;

    /// <summary>Gets a value indicating whether the platform has <c>TCP_QUICKACK</c>.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Arms quick acknowledgement on <paramref name="socket"/> if it is a TCP socket on Linux.</summary>
    /// <remarks>Best effort: a failing <c>setsockopt</c> (a socket the peer already reset) is ignored, because the receive that follows reports the real error.</remarks>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public static void Arm(Socket socket)
    {
        if (!IsSupported || socket.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }

        Span<byte> on = [1, 0, 0, 0];
        try
        {
            socket.SetRawSocketOption(IpProtoTcp, QuickAckOption, on);
        }
        catch (SocketException)
        {
            // The receive that follows reports why the socket is unusable.
        }
    }

    /// <summary>Reads the flag back (<c>getsockopt</c>); false where it is not supported.</summary>
    /// <exception cref="SocketException">The option could not be read.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public static bool IsArmed(Socket socket)
    {
        if (!IsSupported || socket.ProtocolType != ProtocolType.Tcp)
        {
            return false;
        }

        Span<byte> value = stackalloc byte[4];
        int length = socket.GetRawSocketOption(IpProtoTcp, QuickAckOption, value);
        return length > 0 && value[..length].ContainsAnyExcept((byte)0);
    }
}
