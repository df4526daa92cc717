using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Multiproc.Protocol;

/// <summary>
/// The server side of <see cref="Handshake"/> as a state machine: send <see cref="Hello"/>, feed the
/// client's bytes as they arrive, then send the reply <see cref="Verify"/> returns.
/// </summary>
/// <remarks>
/// It does no I/O, so the manager can drive many handshakes from one thread with readiness polling
/// and a blocking socket never waits on a peer that is slow or silent. Not thread-safe: one
/// handshake is driven by one thread at a time.
/// </remarks>
internal sealed class ServerHandshake
{
    private readonly ReadOnlyMemory<byte> _key;
    private readonly byte[] _serverNonce = RandomNumberGenerator.GetBytes(Handshake.NonceSize);
    private readonly byte[] _clientHello = new byte[Handshake.ClientHelloSize];
    private int _received;

    /// <summary>Starts a handshake for a manager with key <paramref name="key"/> and id <paramref name="serverId"/>.</summary>
    public ServerHandshake(ReadOnlyMemory<byte> key, Guid serverId)
    {
        _key = key;
        Hello = new byte[Handshake.ServerHelloSize];
        Handshake.WriteHeader(Hello);
        serverId.TryWriteBytes(Hello.AsSpan(6, Handshake.ServerIdSize));
        _serverNonce.CopyTo(Hello, 6 + Handshake.ServerIdSize);
    }

    /// <summary>Gets the server hello, sent first, before the client says anything.</summary>
    public byte[] Hello { get; }

    /// <summary>Gets how many bytes of the client hello are still missing; the server reads no more than this, so no frame byte is consumed.</summary>
    public int Missing => _clientHello.Length - _received;

    /// <summary>Gets a value indicating whether the whole client hello has arrived.</summary>
    public bool IsComplete => Missing == 0;

    /// <summary>Gets a value indicating whether the bytes received so far already show a peer of another protocol or version.</summary>
    /// <remarks>Lets the server drop a stranger (a port scanner, an HTTP client) without waiting for 70 bytes or the deadline.</remarks>
    public bool IsForeign => ForeignReason is not null;

    /// <summary>Gets why the bytes received so far show a foreign peer (naming both versions on a version skew), or <see langword="null"/>.</summary>
    public string? ForeignReason
    {
        get
        {
            if (_received >= 4 && !_clientHello.AsSpan(0, 4).SequenceEqual(ProtocolConstants.Magic))
            {
                return "not a Multiproc client";
            }

            ushort version = _received >= 6 ? BinaryPrimitives.ReadUInt16LittleEndian(_clientHello.AsSpan(4)) : ProtocolConstants.Version;
            return version == ProtocolConstants.Version
                ? null
                : $"a client of protocol version {version}; this manager speaks version {ProtocolConstants.Version}";
        }
    }

    /// <summary>Gets the buffer the next client bytes go to (<see cref="Missing"/> bytes long).</summary>
    public Span<byte> Unfilled => _clientHello.AsSpan(_received);

    /// <summary>Records that <paramref name="count"/> bytes were written to <see cref="Unfilled"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More bytes than were missing.</exception>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Missing);
        _received += count;
    }

    /// <summary>Checks the complete client hello.</summary>
    /// <param name="accepted">Whether the client proved it holds the key.</param>
    /// <returns>
    /// The answer to send: accepted (1 and the server's MAC) or rejected (0, then close); <see langword="null"/>
    /// when the peer does not speak this protocol version, which is closed without an answer.
    /// </returns>
    /// <exception cref="InvalidOperationException">The client hello is not complete.</exception>
    public byte[]? Verify(out bool accepted)
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("The client hello is not complete.");
        }

        accepted = false;
        ReadOnlySpan<byte> hello = _clientHello;
        if (!hello[..4].SequenceEqual(ProtocolConstants.Magic)
            || BinaryPrimitives.ReadUInt16LittleEndian(hello[4..]) != ProtocolConstants.Version)
        {
            return null;
        }

        ReadOnlySpan<byte> clientNonce = hello.Slice(6, Handshake.NonceSize);
        byte[] expected = Handshake.Mac(_key.Span, "MP-C"u8, _serverNonce, clientNonce);
        if (!CryptographicOperations.FixedTimeEquals(expected, hello.Slice(6 + Handshake.NonceSize, Handshake.MacSize)))
        {
            return [0];
        }

        byte[] answer = new byte[1 + Handshake.MacSize];
        answer[0] = 1;
        Handshake.Mac(_key.Span, "MP-S"u8, clientNonce, _serverNonce).CopyTo(answer, 1);
        accepted = true;
        return answer;
    }
}
