using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Multiproc.Protocol;

/// <summary>
/// A <see cref="ConnectionSocket"/> whose bytes run inside TLS: an authenticated <see cref="SslStream"/>
/// over a connected, blocking <see cref="System.Net.Sockets.Socket"/>.
/// </summary>
/// <remarks>
/// <para>It reports failures as the other connection sockets do, so the protocol above is unchanged:
/// a failed or timed-out receive or send throws the <see cref="SocketException"/> underneath
/// (unwrapped from the stream's <see cref="IOException"/>), and a TLS failure (a record that does not
/// decrypt, an alert) a <see cref="SocketException"/> with <see cref="SocketError.ConnectionAborted"/>.</para>
/// <para>A timed-out receive leaves the connection usable: the stream keeps the part of a record it
/// already read and the next receive goes on from there (the client's liveness checks rely on this).
/// A timed-out send may have written part of a record, so the connection is finished; every caller
/// already drops a connection whose send failed.</para>
/// <para>One receive and one send may run at once on different threads, which is what
/// <see cref="SslStream"/> allows and all the protocol does (one reader, one sending role).</para>
/// </remarks>
internal sealed class TlsConnectionSocket : ConnectionSocket
{
    private readonly SslStream _stream;

    /// <param name="socket">The connected socket; this instance owns it.</param>
    /// <param name="stream">The authenticated stream over <paramref name="socket"/>; this instance owns it.</param>
    public TlsConnectionSocket(Socket socket, SslStream stream)
    {
        Socket = socket;
        _stream = stream;
    }

    /// <summary>Gets the socket underneath, for options only a <see cref="System.Net.Sockets.Socket"/> has (TCP keepalive, the peer's endpoint).</summary>
    public Socket Socket { get; }

    /// <summary>Gets the certificate the peer presented, if any.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate? RemoteCertificate => _stream.RemoteCertificate;

    public override int ReceiveTimeout
    {
        set => Socket.ReceiveTimeout = value;
    }

    public override int SendTimeout
    {
        set => Socket.SendTimeout = value;
    }

    public override int SendBufferSize => Socket.SendBufferSize;

    public override int Receive(Span<byte> buffer)
    {
        try
        {
            return _stream.Read(buffer);
        }
        catch (IOException ex)
        {
            throw Unwrap(ex);
        }
    }

    public override int Send(ReadOnlySpan<byte> data)
    {
        try
        {
            _stream.Write(data);
            return data.Length;
        }
        catch (IOException ex)
        {
            throw Unwrap(ex);
        }
    }

    public override bool PollWritable(int microseconds) => Socket.Poll(microseconds, SelectMode.SelectWrite);

    public override void Shutdown() => Socket.Shutdown(SocketShutdown.Both);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The socket first: a receive blocked in the stream returns before the stream goes away.
            Socket.Dispose();
            _stream.Dispose();
        }
    }

    private static SocketException Unwrap(IOException ex)
    {
        if (ex.InnerException is SocketException socketError)
        {
            ExceptionDispatchInfo.Throw(socketError);
        }

        if (ex.InnerException is ObjectDisposedException disposed)
        {
            ExceptionDispatchInfo.Throw(disposed);
        }

        return new SocketException((int)SocketError.ConnectionAborted, $"The TLS connection failed: {ex.Message}");
    }
}
