using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>A <see cref="ConnectionSocket"/> over a connected, blocking <see cref="System.Net.Sockets.Socket"/>.</summary>
internal sealed class NetConnectionSocket(Socket socket) : ConnectionSocket
{
    /// <summary>Gets the socket, for options only a <see cref="System.Net.Sockets.Socket"/> has (TCP keepalive).</summary>
    public Socket Socket { get; } = socket;

    public override int ReceiveTimeout
    {
        set => Socket.ReceiveTimeout = value;
    }

    public override int SendTimeout
    {
        set => Socket.SendTimeout = value;
    }

    public override int SendBufferSize => Socket.SendBufferSize;

    public override int Receive(Span<byte> buffer) => Socket.Receive(buffer, SocketFlags.None);

    public override int Send(ReadOnlySpan<byte> data) => Socket.Send(data, SocketFlags.None);

    public override bool PollWritable(int microseconds) => Socket.Poll(microseconds, SelectMode.SelectWrite);

    public override void Shutdown() => Socket.Shutdown(SocketShutdown.Both);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Socket.Dispose();
        }
    }
}
