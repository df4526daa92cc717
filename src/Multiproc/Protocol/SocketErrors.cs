using System.Net.Sockets;

namespace Multiproc.Protocol;

/// <summary>Linux errno values as the <see cref="SocketError"/> a <see cref="Socket"/> reports for them.</summary>
internal static class SocketErrors
{
    public static SocketError FromErrno(int errno) => errno switch
    {
        2 => SocketError.AddressNotAvailable,       // ENOENT: no socket file at the path
        4 => SocketError.Interrupted,               // EINTR
        9 => SocketError.OperationAborted,          // EBADF
        11 => SocketError.WouldBlock,               // EAGAIN
        12 or 105 => SocketError.NoBufferSpaceAvailable, // ENOMEM, ENOBUFS
        13 or 1 => SocketError.AccessDenied,        // EACCES, EPERM
        22 => SocketError.InvalidArgument,          // EINVAL
        23 or 24 => SocketError.TooManyOpenSockets, // ENFILE, EMFILE
        32 => SocketError.Shutdown,                 // EPIPE
        88 => SocketError.NotSocket,                // ENOTSOCK
        103 => SocketError.ConnectionAborted,       // ECONNABORTED
        104 => SocketError.ConnectionReset,         // ECONNRESET
        107 => SocketError.NotConnected,            // ENOTCONN
        110 => SocketError.TimedOut,                // ETIMEDOUT
        111 => SocketError.ConnectionRefused,       // ECONNREFUSED
        _ => SocketError.SocketError,
    };
}
