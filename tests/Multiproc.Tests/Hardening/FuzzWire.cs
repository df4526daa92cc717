using System.Net.Sockets;
using System.Security.Cryptography;
using Multiproc.Protocol;

namespace Multiproc.Tests.Hardening;

/// <summary>Blocking socket chores and the handshake's MAC, written from docs/protocol.md rather than borrowed from src.</summary>
/// <remarks>Only the magic and the version number come from src (protocol vocabulary), so a version bump needs no change here.</remarks>
internal static class FuzzWire
{
    public static ReadOnlySpan<byte> Magic => ProtocolConstants.Magic;

    public static ushort Version => ProtocolConstants.Version;

    /// <summary>HMAC-SHA256(key, label ‖ first ‖ second), as protocol.md §1 defines both MACs.</summary>
    public static byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
        => HMACSHA256.HashData(key, [.. label, .. first, .. second]);

    /// <summary>Runs the client side of the handshake by hand (protocol.md §1); asserts the manager accepted.</summary>
    public static void Authenticate(Socket socket, byte[] key)
    {
        byte[] hello = ReceiveUpTo(socket, 54);
        Assert.Equal(54, hello.Length);
        byte[] clientNonce = RandomNumberGenerator.GetBytes(32);
        byte[] answer = [.. Magic, (byte)Version, (byte)(Version >> 8), .. clientNonce, .. Mac(key, "MP-C"u8, hello.AsSpan(22), clientNonce)];
        socket.Send(answer);
        byte[] accepted = ReceiveUpTo(socket, 33);
        Assert.True(accepted.Length == 33 && accepted[0] == 1, "the manager refused a valid handshake");
    }

    /// <summary>Sends <paramref name="data"/> in pieces; returns false if the send failed (the peer closed the connection meanwhile).</summary>
    /// <remarks>
    /// Any socket error counts: a peer closing while a large send blocks surfaces on Linux as EPIPE, ECONNRESET or even
    /// ETIMEDOUT. Callers tell a close from a stall by then reading to the end, which only a close completes.
    /// </remarks>
    public static bool TrySend(Socket socket, byte[] data, int[] chunks)
    {
        try
        {
            foreach (ArraySegment<byte> piece in FuzzChunks.Split(data, chunks))
            {
                socket.Send(piece, SocketFlags.None);
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes, or fewer if the peer ends the stream first.</summary>
    public static byte[] ReceiveUpTo(Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int filled = 0;
        try
        {
            while (filled < count)
            {
                int received = socket.Receive(buffer, filled, count - filled, SocketFlags.None);
                if (received == 0)
                {
                    break;
                }

                filled += received;
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // A reset ends the stream as far as the handshake is concerned.
        }

        return buffer[..filled];
    }

    /// <summary>Receives until the peer ends the stream (EOF or reset); a receive timeout throws, so a peer that never closes fails the case.</summary>
    public static byte[] ReceiveToEnd(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[4096];
        try
        {
            int count;
            while ((count = socket.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, count);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // The server closed with our bytes unread: a reset is a close.
        }

        return received.ToArray();
    }
}
