using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Multiproc.Protocol;

/// <summary>
/// A client's connected Unix-domain stream socket on Linux, driven with libc calls directly rather
/// than through <see cref="Socket"/>.
/// </summary>
/// <remarks>
/// <para>Why: a process's first <see cref="Socket"/> costs about 17 ms of CPU (System.Net.Sockets'
/// EventSources, which load ICU), and a worker that uses a proxy needs exactly one socket to its
/// manager. With this class a worker's manager connection costs a few system calls
/// (docs/performance.md). Servers and TCP keep <see cref="NetConnectionSocket"/>.</para>
/// <para>It behaves as a blocking <see cref="Socket"/> does where the protocol can tell: a timed-out
/// receive or send throws <see cref="SocketException"/> with <see cref="SocketError.TimedOut"/> and
/// leaves the socket usable; a failed call throws <see cref="SocketException"/> with the
/// <see cref="SocketError"/> of its errno; an interrupted call is retried; a call after
/// <see cref="ConnectionSocket.Dispose()"/> throws <see cref="ObjectDisposedException"/>; disposing
/// shuts the socket down first, so a receive blocked on another thread returns. The descriptor is
/// reference-counted by its <see cref="SafeFileHandle"/> while a call uses it, so it is never closed
/// (and its number reused) under a blocked call. Sends pass MSG_NOSIGNAL: a closed peer is an
/// error, never a SIGPIPE. The descriptor is close-on-exec.</para>
/// </remarks>
internal sealed partial class RawUnixSocket : ConnectionSocket
{
    // Linux's values, the same on x64 and arm64 (IsSupported checks both).
    private const int AddressFamilyUnix = 1;
    private const int SocketStream = 1;
    private const int SocketCloseOnExec = 0x80000;
    private const int SocketLevel = 1;
    private const int SendBufferOption = 7;
    private const int ReceiveTimeoutOption = 20;
    private const int SendTimeoutOption = 21;
    private const int NoSignal = 0x4000;
    private const int ShutdownBoth = 2;
    private const short PollOut = 0x4;
    private const int Interrupted = 4;
    private const int TryAgain = 11;
    private const int AlreadyConnected = 106;

    // struct sockaddr_un: a 2-byte family, then 108 bytes of path ending in NUL.
    private const int MaxPathBytes = 107;

    private readonly SafeFileHandle _handle;
    private int _disposed;

    private RawUnixSocket(SafeFileHandle handle) => _handle = handle;

    /// <summary>Gets whether this platform has the libc layout this class is written for: Linux on x64 or arm64.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public override int ReceiveTimeout
    {
        set => SetTimeout(ReceiveTimeoutOption, value);
    }

    public override int SendTimeout
    {
        set => SetTimeout(SendTimeoutOption, value);
    }

    public override int SendBufferSize
    {
        get
        {
            int size = 0;
            uint length = sizeof(int);
            ThrowOnError(GetOption(_handle, SocketLevel, SendBufferOption, ref size, ref length));
            return size;
        }
    }

    /// <summary>Opens an unconnected socket, for <see cref="Connect(string)"/>; disposing it aborts a handshake in progress on another thread.</summary>
    /// <remarks>A connect waits while the listener's backlog is full, for at most the send timeout: set <see cref="ConnectionSocket.SendTimeout"/> first.</remarks>
    /// <exception cref="SocketException">The process is out of descriptors.</exception>
    /// <exception cref="PlatformNotSupportedException">Not <see cref="IsSupported"/>.</exception>
    public static RawUnixSocket Create() => new(OpenHandle());

    /// <summary>Connects to the Unix socket at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path does not fit in a socket address (107 bytes of UTF-8).</exception>
    /// <exception cref="SocketException">Nothing listens there (<see cref="SocketError.AddressNotAvailable"/>, <see cref="SocketError.ConnectionRefused"/>), or the connect failed otherwise.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public void Connect(string path) => ConnectHandle(_handle, path);

    /// <summary>Connects to the Unix socket at <paramref name="path"/> and returns its descriptor, for a stream over it.</summary>
    /// <exception cref="ArgumentException">The path does not fit in a socket address (107 bytes of UTF-8).</exception>
    /// <exception cref="SocketException">The connection failed, or the process is out of descriptors.</exception>
    /// <exception cref="PlatformNotSupportedException">Not <see cref="IsSupported"/>.</exception>
    public static SafeFileHandle ConnectHandle(string path)
    {
        SafeFileHandle handle = OpenHandle();
        try
        {
            ConnectHandle(handle, path);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public override int Receive(Span<byte> buffer)
    {
        while (true)
        {
            nint received = ReceiveBytes(_handle, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, 0);
            if (received >= 0)
            {
                return (int)received;
            }

            ThrowUnlessInterrupted(Marshal.GetLastPInvokeError());
        }
    }

    public override int Send(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            nint sent = SendBytes(_handle, ref MemoryMarshal.GetReference(data), (nuint)data.Length, NoSignal);
            if (sent >= 0)
            {
                return (int)sent;
            }

            ThrowUnlessInterrupted(Marshal.GetLastPInvokeError());
        }
    }

    public override bool PollWritable(int microseconds)
        => WaitUntilWritable(_handle, microseconds < 0 ? -1 : (int)Math.Min(int.MaxValue, (microseconds + 999L) / 1000));

    public override void Shutdown() => ThrowOnError(ShutdownSocket(_handle, ShutdownBoth));

    protected override void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // As Socket.Dispose does: a receive blocked on another thread holds a reference to the
        // descriptor, so closing alone would leave it blocked; shutting down wakes it.
        _ = ShutdownSocket(_handle, ShutdownBoth);
        _handle.Dispose();
    }

    private static SafeFileHandle OpenHandle()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("Raw Unix sockets are implemented for Linux on x64 and arm64.");
        }

        int fd = OpenSocket(AddressFamilyUnix, SocketStream | SocketCloseOnExec, 0);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw ErrorFor(Marshal.GetLastPInvokeError(), timedOut: false);
    }

    private static void ConnectHandle(SafeFileHandle handle, string path)
    {
        Span<byte> address = stackalloc byte[2 + MaxPathBytes + 1];
        address.Clear();
        BitConverter.TryWriteBytes(address, (ushort)AddressFamilyUnix);
        int pathLength = UnixSocketPath.Encode(path, address[2..^1]);
        // A blocking AF_UNIX connect either completes or fails; one interrupted by a signal is abandoned
        // (the socket stays unconnected), so it is simply made again. EISCONN: an earlier attempt did complete.
        while (ConnectSocket(handle, ref MemoryMarshal.GetReference(address), (uint)(2 + pathLength + 1)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == AlreadyConnected)
            {
                return;
            }

            if (errno != Interrupted)
            {
                // EAGAIN here: the listener's backlog stayed full for the send timeout (set before connecting).
                throw ErrorFor(errno, timedOut: errno == TryAgain);
            }
        }
    }

    private void SetTimeout(int option, int milliseconds)
    {
        // As Socket: 0 or -1 waits for ever, which a zero struct timeval means.
        milliseconds = Math.Max(0, milliseconds);
        Span<long> time = [milliseconds / 1000, milliseconds % 1000 * 1000]; // struct timeval
        ThrowOnError(SetOption(_handle, SocketLevel, option, ref MemoryMarshal.GetReference(MemoryMarshal.AsBytes(time)), (uint)(2 * sizeof(long))));
    }

    private static bool WaitUntilWritable(SafeFileHandle handle, int milliseconds)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var poll = new PollDescriptor { Descriptor = (int)handle.DangerousGetHandle(), Events = PollOut };
            while (true)
            {
                int ready = Poll(ref poll, 1, milliseconds);
                if (ready >= 0)
                {
                    // Any event counts: an error or hang-up means the next send fails at once rather than blocks.
                    return ready > 0 && poll.ReturnedEvents != 0;
                }

                ThrowUnlessInterrupted(Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static void ThrowOnError(int result)
    {
        if (result != 0)
        {
            throw ErrorFor(Marshal.GetLastPInvokeError(), timedOut: false);
        }
    }

    private static void ThrowUnlessInterrupted(int errno)
    {
        if (errno != Interrupted)
        {
            // EAGAIN on a blocking socket means its receive or send timeout ran out.
            throw ErrorFor(errno, timedOut: errno == TryAgain);
        }
    }

    private static SocketException ErrorFor(int errno, bool timedOut)
        => new((int)(timedOut ? SocketError.TimedOut : SocketErrors.FromErrno(errno)));

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int OpenSocket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int ConnectSocket(SafeFileHandle socket, ref byte address, uint addressLength);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint ReceiveBytes(SafeFileHandle socket, ref byte buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendBytes(SafeFileHandle socket, ref byte buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollDescriptor descriptors, nuint count, int milliseconds);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    private static partial int ShutdownSocket(SafeFileHandle socket, int how);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetOption(SafeFileHandle socket, int level, int option, ref byte value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetOption(SafeFileHandle socket, int level, int option, ref int value, ref uint length);
}
