using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>
/// A listening socket for a manager: a Unix socket in a private 0700 directory, or a TCP port.
/// </summary>
/// <remarks>Disposing closes the socket and removes the socket file and the directory it created.</remarks>
internal sealed class SocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _ownedDirectory;

    private SocketListener(Socket socket, ManagerAddress address, string? ownedDirectory)
    {
        _socket = socket;
        Address = address;
        _ownedDirectory = ownedDirectory;
    }

    public ManagerAddress Address { get; }

    /// <summary>Binds a listener; <paramref name="requested"/> null means a fresh Unix socket under the temp dir.</summary>
    public static SocketListener Bind(ManagerAddress? requested)
    {
        string? ownedDirectory = null;
        if (requested is null)
        {
            // Short random paths: sun_path is limited to 108 bytes.
            ownedDirectory = Directory.CreateTempSubdirectory("mp-").FullName;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(ownedDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            requested = ManagerAddress.ForUnix(Path.Combine(ownedDirectory, "s"));
        }

        Socket socket = requested.CreateSocket();
        try
        {
            socket.Bind(requested.CreateEndPoint());
            socket.Listen(512);
            ManagerAddress actual = requested;
            if (!requested.IsUnix && socket.LocalEndPoint is IPEndPoint ip)
            {
                actual = ManagerAddress.ForTcp(requested.Host!, ip.Port);
            }

            return new SocketListener(socket, actual, ownedDirectory);
        }
        catch
        {
            socket.Dispose();
            if (ownedDirectory is not null)
            {
                Directory.Delete(ownedDirectory, recursive: true);
            }

            throw;
        }
    }

    public async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        if (!Address.IsUnix)
        {
            accepted.NoDelay = true;
        }

        return accepted;
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (Address.UnixPath is { } path)
        {
            File.Delete(path);
        }

        if (_ownedDirectory is not null && Directory.Exists(_ownedDirectory))
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }
}
