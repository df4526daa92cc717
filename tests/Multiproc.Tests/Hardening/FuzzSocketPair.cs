using System.Net.Sockets;

namespace Multiproc.Tests.Hardening;

/// <summary>Connected pairs of blocking Unix sockets from one private listener, for feeding readers real socket I/O.</summary>
/// <remarks>Dispose removes the socket file and its directory.</remarks>
internal sealed class FuzzSocketPair : IDisposable
{
    private readonly Socket _listener;
    private readonly UnixDomainSocketEndPoint _endPoint;

    public FuzzSocketPair()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("mp-fuzz-").FullName;
        _endPoint = new UnixDomainSocketEndPoint(Path.Combine(Directory, "s"));
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(_endPoint);
        _listener.Listen(16);
    }

    /// <summary>Gets the private directory holding the socket file.</summary>
    public string Directory { get; }

    /// <summary>Returns a connected (writer, reader) pair; the reader's receives time out after <paramref name="receiveTimeout"/>.</summary>
    public (Socket Writer, Socket Reader) Connect(TimeSpan receiveTimeout)
    {
        var writer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        writer.Connect(_endPoint);
        Socket reader = _listener.Accept();
        reader.ReceiveTimeout = (int)receiveTimeout.TotalMilliseconds;
        return (writer, reader);
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
