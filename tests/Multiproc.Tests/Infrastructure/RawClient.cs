using System.Buffers.Binary;
using System.Net.Sockets;
using Multiproc.Protocol;
using Multiproc.Proxies;
using Multiproc.Tests.Fixtures;
using Multiproc.Transport;

namespace Multiproc.Tests.Infrastructure;

/// <summary>A hand-driven socket to a manager, for sending what a real client never would.</summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;

    private RawClient(Socket socket)
    {
        _socket = socket;
    }

    public static async Task<RawClient> ConnectAsync(Manager manager, bool authenticate, CancellationToken cancellationToken)
    {
        ManagerAddress address = ManagerAddress.Parse(manager.Address);
        Socket socket = await SocketConnector.ConnectAsync(address, cancellationToken);
        if (authenticate)
        {
            await Task.Run(() => Handshake.Connect(new NetConnectionSocket(socket), manager.AuthKey.Span), cancellationToken);
        }

        return new RawClient(socket);
    }

    public Task SendAsync(byte[] bytes, CancellationToken cancellationToken) => _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).AsTask();

    public Task SendLengthPrefixAsync(uint length, CancellationToken cancellationToken)
    {
        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, length);
        return SendAsync(prefix, cancellationToken);
    }

    /// <summary>Reads one frame and returns its payload.</summary>
    public async Task<byte[]> ReadFrameAsync(CancellationToken cancellationToken)
    {
        byte[] prefix = await ReadExactlyAsync(4, cancellationToken);
        return await ReadExactlyAsync((int)BinaryPrimitives.ReadUInt32LittleEndian(prefix), cancellationToken);
    }

    /// <summary>Reads one frame and returns it whole, length prefix included.</summary>
    public Task<byte[]> ReadWholeFrameAsync(CancellationToken cancellationToken)
        => SocketReads.ReadWholeFrameAsync(_socket, "server", cancellationToken);

    /// <summary>Reads exactly <paramref name="count"/> bytes (handshake bytes, or part of a frame).</summary>
    public Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        => SocketReads.ReadExactlyAsync(_socket, count, "server", cancellationToken);

    /// <summary>Reads until the server closes the connection; returns true if it did within the token's time.</summary>
    public async Task<bool> IsClosedByServerAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
