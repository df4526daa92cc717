using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;

namespace Multiproc.Protocol;

/// <summary>
/// Mutual HMAC-SHA256 challenge-response, run before a single message is decoded.
/// </summary>
/// <remarks>
/// Server hello: magic, version (u16 LE), server id (16), server nonce (32).
/// Client hello: magic, version, client nonce (32), HMAC(key, "MP-C" | server nonce | client nonce).
/// Server answer: 1 byte (1 accepted, 0 rejected), then if accepted HMAC(key, "MP-S" | client nonce | server nonce).
/// MACs are compared in constant time. Each side proves it holds the key, so neither talks to an impostor.
/// The client side runs here, blocking; the server side is <see cref="ServerHandshake"/>, a state
/// machine the manager drives from readiness polling, so a handshake holds no thread.
/// </remarks>
internal static class Handshake
{
    public const int NonceSize = 32;
    public const int MacSize = 32;
    public const int ServerIdSize = 16;
    public const int ServerHelloSize = 4 + 2 + ServerIdSize + NonceSize;
    public const int ClientHelloSize = 4 + 2 + NonceSize + MacSize;

    /// <summary>Runs the client side and returns the server's id.</summary>
    /// <exception cref="AuthenticationException">Either side does not hold the key.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a Multiproc manager of this protocol version.</exception>
    /// <remarks>
    /// Synchronous on purpose: a .NET socket that has done one async operation stays non-blocking for
    /// good and its later blocking receives are emulated (futex waits, spinning), which would tax every
    /// call on the connection. Bound it with the socket's receive timeout.
    /// </remarks>
    public static Guid Connect(ConnectionSocket socket, ReadOnlySpan<byte> key)
    {
        byte[] hello = new byte[ServerHelloSize];
        ReceiveExactly(socket, hello);
        if (!hello.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic))
        {
            throw new ProtocolViolationException("The peer is not a Multiproc manager.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(hello.AsSpan(4));
        if (version != ProtocolConstants.Version)
        {
            throw new ProtocolViolationException(
                $"The manager speaks protocol version {version}; this client speaks version {ProtocolConstants.Version}. Use the same Multiproc version on both sides.");
        }

        var serverId = new Guid(hello.AsSpan(6, ServerIdSize));
        byte[] serverNonce = hello.AsSpan(6 + ServerIdSize, NonceSize).ToArray();
        byte[] clientNonce = RandomNumberGenerator.GetBytes(NonceSize);
        byte[] answer = new byte[ClientHelloSize];
        WriteHeader(answer);
        clientNonce.CopyTo(answer, 6);
        Mac(key, "MP-C"u8, serverNonce, clientNonce).CopyTo(answer, 6 + NonceSize);
        SendAll(socket, answer);

        byte[] status = new byte[1];
        try
        {
            ReceiveExactly(socket, status);
        }
        catch (EndOfStreamException ex)
        {
            throw new AuthenticationException("The manager closed the connection during authentication.", ex);
        }

        if (status[0] != 1)
        {
            throw new AuthenticationException("The manager rejected the authentication key.");
        }

        byte[] serverMac = new byte[MacSize];
        ReceiveExactly(socket, serverMac);
        if (!CryptographicOperations.FixedTimeEquals(serverMac, Mac(key, "MP-S"u8, clientNonce, serverNonce)))
        {
            throw new AuthenticationException("The manager could not prove it holds the authentication key.");
        }

        return serverId;
    }

    public static void WriteHeader(Span<byte> target)
    {
        ProtocolConstants.Magic.CopyTo(target);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], ProtocolConstants.Version);
    }

    public static byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> message = stackalloc byte[4 + NonceSize + NonceSize];
        label.CopyTo(message);
        first.CopyTo(message[4..]);
        second.CopyTo(message[(4 + NonceSize)..]);
        return HMACSHA256.HashData(key, message);
    }

    private static void SendAll(ConnectionSocket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[socket.Send(data)..];
        }
    }

    private static void ReceiveExactly(ConnectionSocket socket, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int received = socket.Receive(buffer);
            if (received == 0)
            {
                throw new EndOfStreamException("The peer closed the connection during the handshake.");
            }

            buffer = buffer[received..];
        }
    }
}
