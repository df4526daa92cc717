using System.Buffers;
using System.Net.Sockets;

namespace Multiproc.Python.Wire;

/// <summary>Writes CPython <c>multiprocessing.connection</c> frames to a blocking socket.</summary>
/// <remarks>
/// A small frame leaves in one send: two sends would put a 4-byte segment on the wire ahead of the payload, and
/// with Nagle on the payload could wait ~40 ms for that segment's ACK. A large one (over
/// <see cref="CopyLimit"/>) is sent as header, then payload, rather than copied whole; its full-sized segments are
/// not held by Nagle. A payload here is at most 2 GiB - 1 (a span's length), so the short header always
/// suffices; the long form is only read.
/// </remarks>
internal static class PythonFrameWriter
{
    /// <summary>The largest payload copied behind its header into one send.</summary>
    public const int CopyLimit = 64 * 1024;

    /// <summary>Sends <paramref name="payload"/> as one frame, blocking until the kernel has taken all of it.</summary>
    /// <exception cref="SocketException">The connection failed, or the send timeout ran out.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public static void Write(Socket socket, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > CopyLimit)
        {
            Span<byte> header = stackalloc byte[PythonFrame.ShortHeaderSize];
            PythonFrame.WriteHeader(header, payload.Length);
            SendAll(socket, header);
            SendAll(socket, payload);
            return;
        }

        int size = PythonFrame.ShortHeaderSize + payload.Length;
        byte[] frame = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int header = PythonFrame.WriteHeader(frame, payload.Length);
            payload.CopyTo(frame.AsSpan(header));
            SendAll(socket, frame.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Appends <paramref name="payload"/> as one frame to <paramref name="output"/> (at most 2 GiB - 1 bytes).</summary>
    public static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        Span<byte> target = output.GetSpan(PythonFrame.ShortHeaderSize + payload.Length);
        int header = PythonFrame.WriteHeader(target, payload.Length);
        payload.CopyTo(target[header..]);
        output.Advance(header + payload.Length);
    }

    /// <summary>Sends all of <paramref name="data"/>, blocking until the kernel has taken it.</summary>
    /// <exception cref="SocketException">The connection failed, or the send timeout ran out.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[socket.Send(data, SocketFlags.None)..];
        }
    }
}
