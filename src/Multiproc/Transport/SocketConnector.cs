using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>Opens client sockets to a manager address.</summary>
internal static class SocketConnector
{
    /// <exception cref="ManagerUnavailableException">Nothing listens at the address.</exception>
    public static async Task<Socket> ConnectAsync(ManagerAddress address, CancellationToken cancellationToken)
    {
        Socket socket = address.CreateSocket();
        try
        {
            // A blocking connect: an async one would leave the socket non-blocking for good, and every
            // later blocking receive would be emulated (see Handshake).
            EndPoint endPoint = address.CreateEndPoint();
            await Task.Run(() => socket.Connect(endPoint), cancellationToken).ConfigureAwait(false);
            if (!address.IsUnix)
            {
                socket.NoDelay = true;
            }

            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"Cannot connect to the manager at {address}: {ex.SocketErrorCode}.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
