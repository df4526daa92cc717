using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Multiproc.Python.Pickle;
using Multiproc.Python.Wire;

namespace Multiproc.Tests.Python.Server;

/// <summary>
/// A hand-driven peer of a manager's Python listener: raw bytes, frames, or requests after a real handshake.
/// Blocking, and every receive is bounded by the socket's receive timeout.
/// </summary>
internal sealed class PythonPeer : IDisposable
{
    private static readonly TimeSpan s_receiveTimeout = TimeSpan.FromSeconds(10);

    private readonly PythonFrameReader _reader;

    private PythonPeer(Socket socket)
    {
        Socket = socket;
        Socket.ReceiveTimeout = (int)s_receiveTimeout.TotalMilliseconds;
        Socket.SendTimeout = (int)s_receiveTimeout.TotalMilliseconds;
        _reader = new PythonFrameReader(socket, 256 * 1024 * 1024, quickAck: false);
    }

    public Socket Socket { get; }

    /// <summary>Connects to <paramref name="pythonAddress"/> (<c>tcp://host:port</c>), unauthenticated.</summary>
    public static PythonPeer Connect(string pythonAddress)
    {
        var uri = new Uri(pythonAddress);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new PythonPeer(socket);
    }

    /// <summary>Connects and authenticates as a stock 3.12+ client does.</summary>
    public static PythonPeer ConnectAuthenticated(string pythonAddress, ReadOnlyMemory<byte> key)
    {
        PythonPeer peer = Connect(pythonAddress);
        try
        {
            PythonHandshakeRunner.Run(peer.Socket, new PythonClientHandshake(key, requireSha256: false), s_receiveTimeout, quickAck: false);
        }
        catch
        {
            peer.Dispose();
            throw;
        }

        return peer;
    }

    /// <summary>A request <c>(ident, method, args, {})</c> pickled as a stock client pickles it (protocol 2 suffices).</summary>
    public static byte[] Request(string? ident, string method, params object?[] args)
        => PickleWriter.Write(new PyTuple(ident, method, new PyTuple(args), new PyDict()));

    public void SendRaw(ReadOnlySpan<byte> bytes) => PythonFrameWriter.SendAll(Socket, bytes);

    public void SendFrame(ReadOnlySpan<byte> payload) => PythonFrameWriter.Write(Socket, payload);

    /// <summary>Reads the next reply: <c>(kind, value)</c>.</summary>
    /// <exception cref="EndOfStreamException">The listener closed the connection.</exception>
    public PyTuple Receive()
    {
        byte[] frame = _reader.Read() ?? throw new EndOfStreamException("The listener closed the connection.");
        return Assert.IsType<PyTuple>(PickleReader.Read(frame));
    }

    /// <summary>Sends a request and reads its reply.</summary>
    public PyTuple Call(string? ident, string method, params object?[] args)
    {
        SendFrame(Request(ident, method, args));
        return Receive();
    }

    /// <summary>Calls and expects <c>#RETURN</c>; returns the value.</summary>
    public object? Return(string? ident, string method, params object?[] args)
    {
        PyTuple reply = Call(ident, method, args);
        Assert.True((string?)reply[0] == "#RETURN", $"{method} got {reply[0]}: {reply[1]}");
        return reply[1];
    }

    /// <summary>Calls and expects <c>#TRACEBACK</c>; returns its text.</summary>
    public string Traceback(string? ident, string method, params object?[] args) => TracebackOf(Call(ident, method, args));

    public static string TracebackOf(PyTuple reply)
    {
        Assert.True((string?)reply[0] == "#TRACEBACK", $"expected #TRACEBACK, got {reply[0]}: {reply[1]}");
        return Assert.IsType<string>(reply[1]);
    }

    /// <summary>Creates a shared object as a stock client does; returns its ident.</summary>
    public string Create(string typeId, params object?[] args)
    {
        var created = Assert.IsType<PyTuple>(Return(null, "create", [typeId, .. args]));
        return Assert.IsType<string>(created[0]);
    }

    /// <summary>Reads and discards until the listener closes the connection; false when it is still open after <paramref name="within"/>.</summary>
    /// <param name="within">How long to wait for the close.</param>
    /// <param name="received">Everything the listener sent meanwhile.</param>
    public bool IsClosedByListener(TimeSpan within, out byte[] received)
    {
        var all = new List<byte>();
        byte[] buffer = new byte[64 * 1024];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (true)
            {
                int left = (int)(within - watch.Elapsed).TotalMilliseconds;
                if (left <= 0)
                {
                    received = [.. all];
                    return false;
                }

                Socket.ReceiveTimeout = left;
                int count = Socket.Receive(buffer);
                if (count == 0)
                {
                    received = [.. all];
                    return true;
                }

                all.AddRange(buffer.AsSpan(0, count));
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            received = [.. all];
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            received = [.. all];
            return false;
        }
        finally
        {
            Socket.ReceiveTimeout = (int)s_receiveTimeout.TotalMilliseconds;
        }
    }

    public override string ToString() => Socket.LocalEndPoint?.ToString() ?? "peer";

    public void Dispose() => Socket.Dispose();

    /// <summary>The port of a <c>tcp://host:port</c> address, for stock clients' <c>host:port</c> argument.</summary>
    public static string HostPort(string pythonAddress)
    {
        var uri = new Uri(pythonAddress);
        return uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
    }
}
