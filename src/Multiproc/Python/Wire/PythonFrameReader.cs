using System.Buffers.Binary;
using System.Net.Sockets;

namespace Multiproc.Python.Wire;

/// <summary>Reads CPython <c>multiprocessing.connection</c> frames from a blocking socket, one at a time.</summary>
/// <remarks>
/// <para>
/// Blocking on purpose, like the native protocol: a .NET socket that has done one async operation stays
/// non-blocking for good, and its later blocking receives are emulated, which would tax every call. CPython
/// itself serves each connection on its own thread, and a Python call channel carries one request at a time, so a
/// thread blocked in <see cref="Read"/> per channel matches the peer. Bound a read with
/// <see cref="Socket.ReceiveTimeout"/>; a timeout fails with <see cref="SocketException"/>.
/// </para>
/// <para>
/// The reader never reads past the frame it returns (header, then exactly the payload), so whoever reads the
/// socket next starts at a frame boundary. The payload buffer is allocated only after the declared length has
/// been checked against the limit. Not thread-safe: one reader per socket, used by one thread at a time.
/// </para>
/// </remarks>
internal sealed class PythonFrameReader
{
    private readonly Socket _socket;
    private readonly int _maxFrameLength;
    private readonly bool _quickAck;
    private readonly byte[] _header = new byte[PythonFrame.LongHeaderSize];

    /// <param name="socket">A connected, blocking stream socket.</param>
    /// <param name="maxFrameLength">The largest payload accepted; a larger declared length fails before allocation.</param>
    /// <param name="quickAck">Whether to re-arm <see cref="TcpQuickAck"/> before every receive (servers of stock clients).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFrameLength"/> is negative or over <see cref="Array.MaxLength"/>.</exception>
    public PythonFrameReader(Socket socket, int maxFrameLength, bool quickAck)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameLength, Array.MaxLength);
        _socket = socket;
        _maxFrameLength = maxFrameLength;
        _quickAck = quickAck;
    }

    /// <summary>Reads the next frame's payload; <see langword="null"/> when the peer closed the connection between frames.</summary>
    /// <exception cref="ProtocolViolationException">A negative length other than -1, a length over the limit, or the peer closed the connection inside a frame.</exception>
    /// <exception cref="SocketException">The connection failed, or the receive timeout ran out.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    public byte[]? Read()
    {
        Span<byte> header = _header;
        int first = ReceiveSome(header[..PythonFrame.ShortHeaderSize]);
        if (first == 0)
        {
            return null;
        }

        ReceiveExactly(header[first..PythonFrame.ShortHeaderSize]);
        int shortLength = PythonFrame.ReadShortLength(header);
        ulong length = (ulong)shortLength;
        if (shortLength == PythonFrame.LongLengthMarker)
        {
            ReceiveExactly(header[PythonFrame.ShortHeaderSize..PythonFrame.LongHeaderSize]);
            length = BinaryPrimitives.ReadUInt64BigEndian(header[PythonFrame.ShortHeaderSize..]);
        }

        byte[] payload = new byte[PythonFrame.CheckLength(length, _maxFrameLength)];
        ReceiveExactly(payload);
        return payload;
    }

    private void ReceiveExactly(Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int received = ReceiveSome(buffer);
            if (received == 0)
            {
                throw new ProtocolViolationException("The peer closed the connection in the middle of a frame.");
            }

            buffer = buffer[received..];
        }
    }

    private int ReceiveSome(Span<byte> buffer)
    {
        if (_quickAck)
        {
            TcpQuickAck.Arm(_socket);
        }

        return _socket.Receive(buffer, SocketFlags.None);
    }
}
