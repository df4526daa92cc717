using System.Security.Cryptography;
using System.Text;
using Multiproc.Protocol;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// The handshake's exact bytes (docs/protocol.md §1): the server hello and answer read off a real
/// manager's socket, the client hello captured from a real client. Nonces are random, so those goldens
/// are the fixed bytes with the observed nonce spliced in and the MACs recomputed here with HMAC-SHA256.
/// </summary>
public sealed class HandshakeGoldenTests : IAsyncLifetime
{
    private static readonly byte[] s_serverNonce = [.. Enumerable.Repeat((byte)0x5A, 32)];
    private static readonly byte[] s_clientNonce = [.. Enumerable.Repeat((byte)0xC3, 32)];

    private Manager _manager = null!;

    public async Task InitializeAsync()
        => _manager = await Manager.StartAsync(new ManagerOptions { AuthKey = FakeManager.Key });

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public void Mac_FixedKeyAndNonces_IsTheGoldenHmacSha256()
    {
        // HMAC-SHA256(key 01..20, "MP-C" | Ns 5A*32 | Nc C3*32), then (key, "MP-S" | Nc | Ns).
        Assert.Equal(
            "1D75007011988F9019CE38C502E4D3CEB8FE9C9D3A0C5BE1851587878AB6964A",
            Golden.Hex(Handshake.Mac(FakeManager.Key, "MP-C"u8, s_serverNonce, s_clientNonce)));
        Assert.Equal(
            "DC5B4F4184481F59C78E034598950B1A0B1209F4F953881500B4C76D49F089BF",
            Golden.Hex(Handshake.Mac(FakeManager.Key, "MP-S"u8, s_clientNonce, s_serverNonce)));
    }

    [Fact(Timeout = 20_000)]
    public async Task ServerHelloAndAnswer_RealManager_AreTheGoldenBytes()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: false, TestTimeout.Token());
        byte[] hello = await raw.ReadExactlyAsync(Handshake.ServerHelloSize, TestTimeout.Token());
        byte[] serverNonce = hello[22..];

        // 4D505243            "MPRC"
        // 0200                version 2 (u16 LE)
        // <16 bytes>          server id (Guid bytes, as Guid.ToByteArray)
        // <32 bytes>          server nonce Ns
        Assert.Equal(
            Golden.Hex("4D505243 0200") + Golden.Hex(_manager.Channel.ServerId.ToByteArray()) + Golden.Hex(serverNonce),
            Golden.Hex(hello));
        Assert.Equal(54, hello.Length);

        await raw.SendAsync(ClientHello(serverNonce, s_clientNonce), TestTimeout.Token());
        byte[] answer = await raw.ReadExactlyAsync(1 + Handshake.MacSize, TestTimeout.Token());

        // 01                  accepted
        // <32 bytes>          HMAC-SHA256(K, "MP-S" | Nc | Ns)
        Assert.Equal(
            Golden.Hex("01") + Golden.Hex(Hmac("MP-S", s_clientNonce, serverNonce)),
            Golden.Hex(answer));
    }

    [Fact(Timeout = 20_000)]
    public async Task Answer_WrongMac_IsTheSingleByteZeroThenClose()
    {
        using RawClient raw = await RawClient.ConnectAsync(_manager, authenticate: false, TestTimeout.Token());
        await raw.ReadExactlyAsync(Handshake.ServerHelloSize, TestTimeout.Token());
        byte[] hello = ClientHello(new byte[32], s_clientNonce);

        await raw.SendAsync(hello, TestTimeout.Token());
        byte[] answer = await raw.ReadExactlyAsync(1, TestTimeout.Token());

        // 00                  rejected; nothing follows
        Assert.Equal("00", Golden.Hex(answer));
        Assert.True(await raw.IsClosedByServerAsync(TestTimeout.Token()));
    }

    [Fact(Timeout = 20_000)]
    public async Task ClientHello_RealClient_IsTheGoldenBytes()
    {
        using FakeManager fake = FakeManager.Start();
        Task<Manager> connecting = Manager.ConnectAsync(fake.Address, FakeManager.Key, TestTimeout.Token());
        await fake.AcceptAsync(TestTimeout.Token());
        // "MPRC", version 2, the fake's id, Ns = 5A*32
        await fake.SendAsync([.. Golden.Bytes("4D505243 0200"), .. FakeManager.ServerId.ToByteArray(), .. s_serverNonce], TestTimeout.Token());
        byte[] hello = await fake.ReadExactlyAsync(Handshake.ClientHelloSize, TestTimeout.Token());
        byte[] clientNonce = hello[6..38];

        // 4D505243            "MPRC"
        // 0200                version 2 (u16 LE)
        // <32 bytes>          client nonce Nc
        // <32 bytes>          HMAC-SHA256(K, "MP-C" | Ns | Nc)
        Assert.Equal(
            Golden.Hex("4D505243 0200") + Golden.Hex(clientNonce)
                + Golden.Hex(Hmac("MP-C", s_serverNonce, clientNonce)),
            Golden.Hex(hello));

        await fake.SendAsync([0x01, .. Hmac("MP-S", clientNonce, s_serverNonce)], TestTimeout.Token());
        await using Manager client = await connecting.WaitAsync(TestTimeout.Token());
        Assert.Equal(FakeManager.ServerId, client.Channel.ServerId);
    }

    /// <summary>HMAC-SHA256 under the test key of label | first | second, computed here rather than by the product.</summary>
    private static byte[] Hmac(string label, byte[] first, byte[] second)
    {
        byte[] message = [.. Encoding.ASCII.GetBytes(label), .. first, .. second];
        return HMACSHA256.HashData(FakeManager.Key, message);
    }

    /// <summary>A client hello written here, independently of the product: magic, version 2, Nc, HMAC(K, "MP-C" | Ns | Nc).</summary>
    private static byte[] ClientHello(byte[] serverNonce, byte[] clientNonce)
        => [.. Golden.Bytes("4D505243 0200"), .. clientNonce, .. Hmac("MP-C", serverNonce, clientNonce)];
}
