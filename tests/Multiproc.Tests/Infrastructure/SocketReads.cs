using System.Buffers.Binary;
using System.Net.Sockets;

namespace Multiproc.Tests.Infrastructure;

/// <summary>Exact reads off a raw socket, for test peers that speak the protocol by hand.</summary>
internal static class SocketReads
{
    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the connection first.</exception>
    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, string peer, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        for (int read = 0; read < count;)
        {
            int received = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            read += received > 0 ? received : throw new EndOfStreamException($"The {peer} closed the connection.");
        }

        return buffer;
    }

    /// <summary>Reads one frame and returns it whole, length prefix included.</summary>
    public static async Task<byte[]> ReadWholeFrameAsync(Socket socket, string peer, CancellationToken cancellationToken)
    {
        byte[] prefix = await ReadExactlyAsync(socket, 4, peer, cancellationToken);
        byte[] payload = await ReadExactlyAsync(socket, (int)BinaryPrimitives.ReadUInt32LittleEndian(prefix), peer, cancellationToken);
        return [.. prefix, .. payload];
    }
}
