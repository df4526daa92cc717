using System.Net;
using System.Net.Sockets;

namespace Multiproc.Tests.Python;

/// <summary>Two connected, blocking TCP sockets on loopback: one end for the code under test, the other for a hand-written peer.</summary>
internal sealed class LoopbackPair : IDisposable
{
    private LoopbackPair(Socket local, Socket peer)
    {
        Local = local;
        Peer = peer;
    }

    public Socket Local { get; }

    public Socket Peer { get; }

    public static LoopbackPair Create()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        peer.Connect(listener.LocalEndPoint!);
        Socket local = listener.Accept();
        local.NoDelay = true;
        return new LoopbackPair(local, peer);
    }

    public void Dispose()
    {
        Local.Dispose();
        Peer.Dispose();
    }
}
