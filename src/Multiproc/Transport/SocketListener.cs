using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>
/// A listening socket for a manager: a Unix socket in a private 0700 directory, or a TCP port.
/// </summary>
/// <remarks>
/// The socket stays blocking and is never used asynchronously: its owner waits for connections
/// with readiness polling on <see cref="Socket"/> and then calls <see cref="Accept"/>, so accepted
/// sockets start out blocking too. Disposing closes the socket (which wakes a thread polling or
/// blocked on it) and removes the socket file and the directory it created.
/// </remarks>
internal sealed class SocketListener : IDisposable
{
    private const int Backlog = 512;

    private readonly string? _ownedDirectory;

    private SocketListener(Socket socket, ManagerAddress address, string? ownedDirectory)
    {
        Socket = socket;
        Address = address;
        _ownedDirectory = ownedDirectory;
    }

    public ManagerAddress Address { get; }

    /// <summary>Gets the listening socket, for readiness polling (<see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>) only.</summary>
    public Socket Socket { get; }

    /// <summary>Binds a listener; <paramref name="requested"/> null means a fresh Unix socket under the temp dir.</summary>
    /// <exception cref="SocketException">The address cannot be bound: in use, not an address of this machine, or a host name that does not resolve.</exception>
    public static SocketListener Bind(ManagerAddress? requested)
    {
        string? ownedDirectory = null;
        if (requested is null)
        {
            ownedDirectory = SocketDirectory.Create();
            requested = ManagerAddress.ForUnix(Path.Combine(ownedDirectory, SocketDirectory.SocketFileName));
        }

        Socket? socket = null;
        try
        {
            EndPoint endPoint = requested.IsUnix ? requested.CreateEndPoint() : ResolveTcp(requested);
            socket = requested.IsUnix
                ? requested.CreateSocket()
                : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            Bind(socket, endPoint, requested);
            socket.Listen(Backlog);
            ManagerAddress actual = requested;
            if (!requested.IsUnix && socket.LocalEndPoint is IPEndPoint ip)
            {
                actual = requested.WithPort(ip.Port);
            }

            return new SocketListener(socket, actual, ownedDirectory);
        }
        catch
        {
            socket?.Dispose();
            if (ownedDirectory is not null)
            {
                Directory.Delete(ownedDirectory, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Accepts one connection; blocks until one is queued, so call it when <see cref="Socket"/> polls readable.</summary>
    /// <returns>A blocking socket (<c>NoDelay</c> on TCP).</returns>
    /// <exception cref="SocketException">Accepting failed, for example at the descriptor limit.</exception>
    /// <exception cref="ObjectDisposedException">The listener was disposed.</exception>
    public Socket Accept()
    {
        Socket accepted = Socket.Accept();
        if (!Address.IsUnix)
        {
            try
            {
                accepted.NoDelay = true;
            }
            catch
            {
                accepted.Dispose();
                throw;
            }
        }

        return accepted;
    }

    public void Dispose()
    {
        Socket.Dispose();
        if (Address.UnixPath is { } path)
        {
            File.Delete(path);
        }

        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory))
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }

    /// <summary>A host name cannot be bound as such (.NET refuses a <see cref="DnsEndPoint"/>): bind its first IPv4 address, which is what clients reach (their socket for a host name is IPv4).</summary>
    private static IPEndPoint ResolveTcp(ManagerAddress address)
    {
        if (IPAddress.TryParse(address.Host, out IPAddress? ip))
        {
            return new IPEndPoint(ip, address.Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(address.Host!);
        }
        catch (SocketException ex)
        {
            throw new SocketException((int)ex.SocketErrorCode, $"Cannot listen on {address}: the host name '{address.Host}' does not resolve ({ex.Message}).");
        }

        IPAddress? chosen = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        return chosen is null
            ? throw new SocketException((int)SocketError.HostNotFound, $"Cannot listen on {address}: the host name '{address.Host}' has no address.")
            : new IPEndPoint(chosen, address.Port);
    }

    private static void Bind(Socket socket, EndPoint endPoint, ManagerAddress address)
    {
        try
        {
            socket.Bind(endPoint);
        }
        catch (SocketException ex) when (!address.IsUnix)
        {
            string resolved = endPoint is IPEndPoint ip && ip.Address.ToString() != address.Host ? $" ({address.Host} is {ip.Address})" : "";
            throw new SocketException((int)ex.SocketErrorCode, $"Cannot listen on {address}{resolved}: {ex.Message}. Listen on an address of this machine, e.g. tcp://127.0.0.1:0 or tcp://0.0.0.0:0.");
        }
    }
}
