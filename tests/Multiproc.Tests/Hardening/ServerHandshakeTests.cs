using System.Security.Cryptography;
using Multiproc.Protocol;

namespace Multiproc.Tests.Hardening;

/// <summary>F1: the server side of the handshake is a state machine fed as bytes arrive, so no thread waits on a slow peer.</summary>
public class ServerHandshakeTests
{
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Verify_ClientHelloFedOneByteAtATime_AcceptsAndProvesTheKey()
    {
        var serverId = Guid.NewGuid();
        var handshake = new ServerHandshake(s_key, serverId);
        Assert.Equal(serverId, new Guid(handshake.Hello.AsSpan(6, 16)));
        byte[] clientNonce = RandomNumberGenerator.GetBytes(Handshake.NonceSize);
        byte[] hello = ClientHello(handshake, s_key, clientNonce);

        foreach (byte b in hello)
        {
            Assert.False(handshake.IsComplete);
            Assert.False(handshake.IsForeign);
            handshake.Unfilled[0] = b;
            handshake.Advance(1);
        }

        byte[]? answer = handshake.Verify(out bool accepted);
        Assert.True(accepted);
        Assert.Equal(1, answer![0]);
        byte[] serverNonce = handshake.Hello.AsSpan(6 + 16, Handshake.NonceSize).ToArray();
        Assert.Equal(Handshake.Mac(s_key, "MP-S"u8, clientNonce, serverNonce), answer[1..]);
        Assert.Throws<ArgumentOutOfRangeException>(() => handshake.Advance(1));
    }

    [Fact]
    public void Verify_WrongKey_RejectsWithZero()
    {
        var handshake = new ServerHandshake(s_key, Guid.NewGuid());
        Feed(handshake, ClientHello(handshake, RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(Handshake.NonceSize)));

        Assert.Equal([0], handshake.Verify(out bool accepted));
        Assert.False(accepted);
    }

    [Fact]
    public void IsForeign_FirstBytesNotThisProtocol_KnownBeforeTheWholeHello()
    {
        var http = new ServerHandshake(s_key, Guid.NewGuid());
        Feed(http, "GET "u8.ToArray());
        Assert.True(http.IsForeign);

        var otherVersion = new ServerHandshake(s_key, Guid.NewGuid());
        Feed(otherVersion, [.. "MPRC"u8, 99, 0]);
        Assert.True(otherVersion.IsForeign);
        Assert.Throws<InvalidOperationException>(() => otherVersion.Verify(out _));
    }

    private static byte[] ClientHello(ServerHandshake handshake, byte[] key, byte[] clientNonce)
    {
        byte[] serverNonce = handshake.Hello.AsSpan(6 + 16, Handshake.NonceSize).ToArray();
        byte[] hello = new byte[Handshake.ClientHelloSize];
        Handshake.WriteHeader(hello);
        clientNonce.CopyTo(hello, 6);
        Handshake.Mac(key, "MP-C"u8, serverNonce, clientNonce).CopyTo(hello, 6 + Handshake.NonceSize);
        return hello;
    }

    private static void Feed(ServerHandshake handshake, byte[] bytes)
    {
        bytes.CopyTo(handshake.Unfilled);
        handshake.Advance(bytes.Length);
    }
}
