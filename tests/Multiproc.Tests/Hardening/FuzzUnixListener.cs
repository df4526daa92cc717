using System.Net.Sockets;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Hardening;

/// <summary>A private Unix listener: connected pairs of blocking sockets for feeding readers real socket I/O, or a fake manager's end.</summary>
/// <remarks>Dispose removes the socket file and its directory.</remarks>
internal sealed class FuzzUnixListener : IDisposable
{
    private readonly Socket _listener;
    private readonly UnixDomainSocketEndPoint _endPoint;

    public FuzzUnixListener()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mp-fuzz-").FullName;
        _endPoint = new UnixDomainSocketEndPoint(Path.Combine(Directory, "s"));
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(_endPoint);
        _listener.Listen(16);
    }

    /// <summary>Gets the private directory holding the socket file.</summary>
    public string Directory { get; }

    /// <summary>Gets the listener's address in the manager's form (<c>unix:/path</c>).</summary>
    public string Address => "unix:" + _endPoint;

    /// <summary>Accepts one connection (blocking); its receives time out after <paramref name="receiveTimeout"/>.</summary>
    public Socket Accept(TimeSpan receiveTimeout)
    {
        Socket socket = _listener.Accept();
        socket.ReceiveTimeout = (int)receiveTimeout.TotalMilliseconds;
        socket.SendTimeout = (int)receiveTimeout.TotalMilliseconds;
        return socket;
    }

    /// <summary>Returns a connected (writer, reader) pair; the reader's receives time out after <paramref name="receiveTimeout"/>.</summary>
    public (Socket Writer, Socket Reader) Connect(TimeSpan receiveTimeout)
    {
        var writer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        writer.Connect(_endPoint);
        return (writer, Accept(receiveTimeout));
    }

    public void Dispose()
    {
        _listener.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
