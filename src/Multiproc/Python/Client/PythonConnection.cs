using System.Net.Sockets;
using System.Security.Authentication;
using Multiproc.Python.Pickle;
using Multiproc.Python.Wire;
using Multiproc.Transport;

namespace Multiproc.Python.Client;

/// <summary>One authenticated connection to a CPython manager: a request, then its reply, strictly in turn.</summary>
/// <remarks>
/// The socket stays blocking (docs/design-decisions.md, "Sockets stay blocking"). CPython answers one request per
/// admin connection and serves a call channel strictly request/reply, so a connection is never shared by two
/// calls at once; <see cref="Abort"/> may be called from any thread to end a call in flight.
/// </remarks>
internal sealed class PythonConnection : IDisposable
{
    /// <summary>The largest reply accepted (the pickle reader's default input limit).</summary>
    public const int MaxReplyLength = 64 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly PythonFrameReader _reader;
    private int _aborted;

    private PythonConnection(Socket socket)
    {
        _socket = socket;
        _reader = new PythonFrameReader(socket, MaxReplyLength, quickAck: false);
    }

    /// <summary>Gets a value indicating whether <see cref="Abort"/> ended this connection.</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Connects and runs the client handshake.</summary>
    /// <exception cref="AuthenticationException">The key was refused, or the server could not prove it holds it.</exception>
    /// <exception cref="ManagerUnavailableException">The server cannot be reached, or broke off the handshake.</exception>
    public static PythonConnection Open(ManagerAddress address, ReadOnlyMemory<byte> key, TimeSpan timeout)
    {
        Socket socket = address.CreateSocket();
        try
        {
            socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
            socket.Connect(address.CreateEndPoint());
            PythonHandshakeRunner.Run(socket, new PythonClientHandshake(key, requireSha256: false), timeout, quickAck: false);
            socket.ReceiveTimeout = socket.SendTimeout = 0;
            return new PythonConnection(socket);
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException or TimeoutException or ProtocolViolationException)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"Cannot reach the Python manager at {address}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>(ident, method, args, kwds)</c> and returns the reply.</summary>
    /// <exception cref="ManagerUnavailableException">The connection broke before the reply arrived.</exception>
    /// <exception cref="ProtocolViolationException">The reply is not a manager reply.</exception>
    public PythonReply Exchange(string? ident, string method, PyTuple args, PyDict kwargs)
    {
        byte[] request = PickleWriter.Write(new PyTuple(ident, method, args, kwargs), protocol: 4);
        byte[]? payload;
        try
        {
            PythonFrameWriter.Write(_socket, request);
            payload = _reader.Read();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or ProtocolViolationException)
        {
            throw IsAborted ? new OperationCanceledException("The call was abandoned.", ex) : Broken(ex);
        }

        if (payload is null)
        {
            throw IsAborted ? new OperationCanceledException("The call was abandoned.") : Broken(null);
        }

        return PythonReply.Parse(payload);
    }

    /// <summary>Ends the connection from any thread; a call in flight fails with <see cref="OperationCanceledException"/>.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // Already closed by the peer.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private static ManagerUnavailableException Broken(Exception? inner)
        => new("The connection to the Python manager broke before its reply arrived (the manager stopped or its process died); the call may or may not have taken effect.", inner);
}
