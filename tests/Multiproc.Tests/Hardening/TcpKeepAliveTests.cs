using System.Net.Sockets;
using Multiproc.Transport;

namespace Multiproc.Tests.Hardening;

/// <summary>F7: a TCP peer that vanished without a reset (power loss, cable cut) is noticed by keepalive.</summary>
public sealed class TcpKeepAliveTests
{
    [Fact]
    public void Enable_TcpSocket_ProbesAfter15sEvery5sThreeTimes_UnixSocketUntouched()
    {
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        TcpKeepAlive.Enable(tcp);
        Assert.NotEqual(0, (int)tcp.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(15, (int)tcp.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(5, (int)tcp.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(3, (int)tcp.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);

        using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        TcpKeepAlive.Enable(unix);
        Assert.Equal(0, (int)unix.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }
}
