using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Multiproc.Processes.Child;

/// <summary>Connects a worker to its parent's Unix socket and returns the connection as a blocking stream.</summary>
/// <remarks>
/// On Linux this calls <c>socket</c>/<c>connect</c> directly and wraps the descriptor in a
/// <see cref="FileStream"/>: the first <see cref="Socket"/> a process creates costs ~15 ms of
/// initialization, a large share of a worker's start. Elsewhere it uses <see cref="Socket"/>.
/// The descriptor is close-on-exec, so processes the worker starts do not inherit it.
/// </remarks>
internal static partial class UnixSocketClient
{
    private const int AddressFamilyUnix = 1;
    private const int SocketStream = 1;
    private const int SocketCloseOnExec = 0x80000;
    private const int MaxPathBytes = 107;

    /// <summary>Connects to the socket at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The connection failed.</exception>
    public static Stream Connect(string path)
    {
        if (!OperatingSystem.IsLinux())
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

        // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
        Span<byte> address = stackalloc byte[2 + MaxPathBytes + 1];
        address.Clear();
        BitConverter.TryWriteBytes(address, (ushort)AddressFamilyUnix);
        int pathLength = EncodePath(path, address[2..^1]);
        int fd = OpenSocket(AddressFamilyUnix, SocketStream | SocketCloseOnExec, 0);
        if (fd < 0)
        {
            throw new IOException($"socket() failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (ConnectSocket(fd, ref MemoryMarshal.GetReference(address), (uint)(2 + pathLength + 1)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"Cannot connect to {path}: errno {errno}.");
        }

        return new FileStream(handle, FileAccess.ReadWrite, bufferSize: 0);
    }

    // ASCII by hand, like BinaryFieldReader: the vectorized UTF-8 encoder's first call costs milliseconds.
    private static int EncodePath(string path, Span<byte> destination)
    {
        foreach (char c in path)
        {
            if (c >= 0x80)
            {
                return Encoding.UTF8.GetBytes(path, destination);
            }
        }

        if (path.Length > destination.Length)
        {
            throw new IOException($"The socket path is too long: {path}");
        }

        for (int i = 0; i < path.Length; i++)
        {
            destination[i] = (byte)path[i];
        }

        return path.Length;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int OpenSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int ConnectSocket(int fd, ref byte address, uint addressLength);
}
