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
            await socket.ConnectAsync(address.CreateEndPoint(), cancellationToken).ConfigureAwait(false);
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
