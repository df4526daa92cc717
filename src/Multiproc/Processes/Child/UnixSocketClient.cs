using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Multiproc.Protocol;

namespace Multiproc.Processes.Child;

/// <summary>Connects a worker to its parent's Unix socket and returns the connection as a blocking stream.</summary>
/// <remarks>
/// On Linux this connects with <see cref="RawUnixSocket"/> and wraps the descriptor in a
/// <see cref="FileStream"/>: the first <see cref="Socket"/> a process creates costs ~15 ms of
/// initialization, a large share of a worker's start. Elsewhere it uses <see cref="Socket"/>.
/// The descriptor is close-on-exec, so processes the worker starts do not inherit it.
/// </remarks>
internal static class UnixSocketClient
{
    /// <summary>Connects to the socket at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public static Stream Connect(string path)
    {
        if (!RawUnixSocket.IsSupported)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new IOException($"Cannot connect to {path}: {ex.Message}", ex);
            }

            return new NetworkStream(socket, ownsSocket: true);
        }

        SafeFileHandle handle;
        try
        {
            handle = RawUnixSocket.ConnectHandle(path);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            throw new IOException($"Cannot connect to {path}: {ex.Message}", ex);
        }

        return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }
}
