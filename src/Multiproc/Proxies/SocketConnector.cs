using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Multiproc.Protocol;
using Multiproc.Transport;

namespace Multiproc.Proxies;

/// <summary>Opens client sockets to a manager address and authenticates them, within one deadline.</summary>
internal static class SocketConnector
{
    /// <summary>Connects a blocking socket (no handshake).</summary>
    /// <exception cref="ManagerUnavailableException">Nothing listens at the address, or nothing answered within <paramref name="timeout"/>.</exception>
    public static async Task<Socket> ConnectAsync(ManagerAddress address, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        (Socket socket, _) = await ConnectCoreAsync(address, null, timeout ?? ConnectSettings.Default.ConnectTimeout, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        return socket;
    }

    /// <summary>Connects and runs the client side of the handshake; returns the socket and the server's id.</summary>
    /// <exception cref="ManagerUnavailableException">Nothing listens, the manager closed the connection, or nothing answered within the connect timeout.</exception>
    /// <exception cref="AuthenticationException">The key is wrong.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a manager of this protocol version.</exception>
    public static async Task<(Socket Socket, Guid ServerId)> ConnectAndAuthenticateAsync(ManagerAddress address, ReadOnlyMemory<byte> authKey, ConnectSettings settings, CancellationToken cancellationToken)
    {
        (Socket socket, Guid? serverId) = await ConnectCoreAsync(address, authKey, settings.ConnectTimeout, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
        return (socket, serverId!.Value);
    }

    private static async Task<(Socket Socket, Guid? ServerId)> ConnectCoreAsync(
        ManagerAddress address, ReadOnlyMemory<byte>? authKey, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Socket socket = address.CreateSocket();
        EndPoint endPoint = address.CreateEndPoint();
        int receiveTimeout = (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
        // Blocking connect and handshake on a thread of their own: an async operation would leave the
        // socket non-blocking for good (every later blocking receive emulated, see Handshake), and a
        // pool thread may not be free when callers block the pool.
        Task<Guid?> attempt = DedicatedThread.Run<Guid?>(
            () =>
            {
                socket.Connect(endPoint);
                if (!address.IsUnix)
                {
                    socket.NoDelay = true;
                }

                if (authKey is not { } key)
                {
                    return null;
                }

                socket.ReceiveTimeout = receiveTimeout;
                socket.SendTimeout = receiveTimeout;
                Guid id = Handshake.Connect(socket, key.Span);
                socket.ReceiveTimeout = 0;
                socket.SendTimeout = 0;
                return id;
            },
            "multiproc-connect");
        try
        {
            Guid? serverId = await attempt.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
            return (socket, serverId);
        }
        catch (TimeoutException ex)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"The manager at {address} did not answer within {timeout.TotalSeconds:0.###} s.", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"The manager at {address} did not answer within {timeout.TotalSeconds:0.###} s.", ex);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"Cannot connect to the manager at {address}: {ex.SocketErrorCode}.", ex);
        }
        catch (EndOfStreamException ex)
        {
            socket.Dispose();
            throw new ManagerUnavailableException($"The manager at {address} closed the connection during the handshake.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
