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
/// </remarks>
internal static class Handshake
{
    private const int NonceSize = 32;
    private const int MacSize = 32;
    private const int ServerIdSize = 16;
    private const int ServerHelloSize = 4 + 2 + ServerIdSize + NonceSize;
    private const int ClientHelloSize = 4 + 2 + NonceSize + MacSize;

    /// <summary>Runs the server side; returns false (after answering "rejected" where possible) for a bad peer.</summary>
    public static async Task<bool> AcceptAsync(Socket socket, ReadOnlyMemory<byte> key, Guid serverId, CancellationToken cancellationToken)
    {
        byte[] serverNonce = RandomNumberGenerator.GetBytes(NonceSize);
        byte[] hello = new byte[ServerHelloSize];
        WriteHeader(hello);
        serverId.TryWriteBytes(hello.AsSpan(6, ServerIdSize));
        serverNonce.CopyTo(hello, 6 + ServerIdSize);
        await socket.SendAsync(hello, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        byte[] answer = new byte[ClientHelloSize];
        await ReceiveExactlyAsync(socket, answer, cancellationToken).ConfigureAwait(false);
        if (!answer.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic)
            || BinaryPrimitives.ReadUInt16LittleEndian(answer.AsSpan(4)) != ProtocolConstants.Version)
        {
            return false;
        }

        byte[] clientNonce = answer.AsSpan(6, NonceSize).ToArray();
        byte[] expected = Mac(key.Span, "MP-C"u8, serverNonce, clientNonce);
        if (!CryptographicOperations.FixedTimeEquals(expected, answer.AsSpan(6 + NonceSize, MacSize)))
        {
            await socket.SendAsync(new byte[] { 0 }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return false;
        }

        byte[] accept = new byte[1 + MacSize];
        accept[0] = 1;
        Mac(key.Span, "MP-S"u8, clientNonce, serverNonce).CopyTo(accept, 1);
        await socket.SendAsync(accept, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs the client side and returns the server's id.</summary>
    /// <exception cref="AuthenticationException">Either side does not hold the key.</exception>
    /// <exception cref="ProtocolViolationException">The peer is not a Multiproc manager of this protocol version.</exception>
    public static async Task<Guid> ConnectAsync(Socket socket, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        byte[] hello = new byte[ServerHelloSize];
        await ReceiveExactlyAsync(socket, hello, cancellationToken).ConfigureAwait(false);
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
        Mac(key.Span, "MP-C"u8, serverNonce, clientNonce).CopyTo(answer, 6 + NonceSize);
        await socket.SendAsync(answer, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        byte[] status = new byte[1];
        try
        {
            await ReceiveExactlyAsync(socket, status, cancellationToken).ConfigureAwait(false);
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
        await ReceiveExactlyAsync(socket, serverMac, cancellationToken).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(serverMac, Mac(key.Span, "MP-S"u8, clientNonce, serverNonce)))
        {
            throw new AuthenticationException("The manager could not prove it holds the authentication key.");
        }

        return serverId;
    }

    private static void WriteHeader(Span<byte> target)
    {
        ProtocolConstants.Magic.CopyTo(target);
        BinaryPrimitives.WriteUInt16LittleEndian(target[4..], ProtocolConstants.Version);
    }

    private static byte[] Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        Span<byte> message = stackalloc byte[4 + NonceSize + NonceSize];
        label.CopyTo(message);
        first.CopyTo(message[4..]);
        second.CopyTo(message[(4 + NonceSize)..]);
        return HMACSHA256.HashData(key, message);
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                throw new EndOfStreamException("The peer closed the connection during the handshake.");
            }

            buffer = buffer[received..];
        }
    }
}
