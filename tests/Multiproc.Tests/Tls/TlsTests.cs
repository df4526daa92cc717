using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Tls;

/// <summary>
/// <c>tls://</c> managers (docs/tls.md) with a certificate generated in the test: how clients check
/// the certificate (system checks, callback, pin), the key handshake inside TLS, what a peer on the
/// wire sees and what tampering does, client certificates, and the handshake's deadline and cap.
/// The core and built-in contract suites also run over TLS (the <c>*TlsTests</c> subclasses).
/// </summary>
public sealed class TlsTests
{
    private static readonly byte[] s_key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact(Timeout = 30_000)]
    public async Task OwnerAddress_IsPinnedToItsCertificate_AndAClientWithItCallsThroughTls()
    {
        await using Manager owner = await StartAsync();

        Assert.StartsWith("tls://127.0.0.1:", owner.Address, StringComparison.Ordinal);
        Assert.EndsWith("?sha256=" + TestCertificates.Server.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), owner.Address, StringComparison.Ordinal);
        await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, TestTimeout.Token());
        IEmployee ann = await client.CreateAsync<IEmployee>("Ann", 100m);
        Assert.Equal(110m, ann.Raise(10m));
    }

    [Fact(Timeout = 30_000)]
    public async Task UnpinnedAddress_TheCallbackDecides_AndTheConnectionIsPinnedToWhatItAccepted()
    {
        await using Manager owner = await StartAsync();
        string unpinned = TestCertificates.Unpinned(owner.Address);
        int asked = 0;
        var trusting = new ConnectOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                Interlocked.Increment(ref asked);
                return certificate is not null && certificate.GetCertHashString() == TestCertificates.Server.GetCertHashString();
            },
        };

        await using Manager client = await Manager.ConnectAsync(unpinned, s_key, trusting, TestTimeout.Token());
        Assert.Equal(1, asked);
        Assert.Equal(owner.Address, client.Address);
        Assert.Equal(3, (await client.CreateListAsync([1, 2, 3])).Count);

        var refusing = new ConnectOptions { RemoteCertificateValidationCallback = (_, _, _, _) => false };
        AuthenticationException refused = await Assert.ThrowsAsync<AuthenticationException>(
            () => Manager.ConnectAsync(unpinned, s_key, refusing, TestTimeout.Token()));
        Assert.Contains(unpinned, refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task SelfSignedCertificate_WithNeitherCallbackNorPin_IsRefusedWithAHint()
    {
        await using Manager owner = await StartAsync();

        AuthenticationException refused = await Assert.ThrowsAsync<AuthenticationException>(
            () => Manager.ConnectAsync(TestCertificates.Unpinned(owner.Address), s_key, TestTimeout.Token()));
        Assert.Contains("RemoteCertificateValidationCallback", refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task WrongPin_IsRefused_EvenWhenTheCallbackWouldAccept()
    {
        await using Manager owner = await StartAsync();
        string otherPin = Convert.ToHexString(new byte[32]);
        ConnectOptions acceptAll = TestCertificates.Trusting(TestCertificates.Server);

        await Assert.ThrowsAsync<AuthenticationException>(
            () => Manager.ConnectAsync(TestCertificates.Unpinned(owner.Address) + "?sha256=" + otherPin, s_key, acceptAll, TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task WrongKey_InsideTls_IsRefused()
    {
        await using Manager owner = await StartAsync();

        await Assert.ThrowsAsync<AuthenticationException>(
            () => Manager.ConnectAsync(owner.Address, new byte[32], TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task AWireObserver_SeesNoPlaintext_NeitherTheKeyHandshakeNorTheCalls()
    {
        await using Manager owner = await StartAsync();
        await using var relay = new TcpRelay(Port(owner.Address));
        const string Secret = "the-payroll-secret-0123456789";

        await using (Manager client = await Manager.ConnectAsync(Through(relay, owner.Address), s_key, TestTimeout.Token()))
        {
            ISharedList<string> list = await client.CreateListAsync<string>();
            list.Add(Secret);
            Assert.Equal(Secret, list[0]);
        }

        byte[] seen = relay.ClientBytes();
        Assert.True(seen.Length > 500, $"the relay saw only {seen.Length} bytes");
        Assert.Equal(-1, seen.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)));
        Assert.Equal(-1, seen.AsSpan().IndexOf("MPRC"u8));
        Assert.Equal(-1, seen.AsSpan().IndexOf(Encoding.UTF8.GetBytes("multiproc:list")));
    }

    [Fact(Timeout = 30_000)]
    public async Task TamperedBytes_AfterTheHandshake_CloseTheConnection_AndNeverReachTheObject()
    {
        await using Manager owner = await StartAsync();
        ISharedList<int> list = await owner.CreateListAsync([1, 2, 3]);
        // Learn how many bytes a connect and one call take, then corrupt everything after them.
        await using var measuring = new TcpRelay(Port(owner.Address));
        await using (Manager probe = await Manager.ConnectAsync(Through(measuring, owner.Address), s_key, TestTimeout.Token()))
        {
            await probe.LookupAsync<ISharedList<int>>("missing").ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        await owner.PublishAsync("list", list);
        await using var tampering = new TcpRelay(Port(owner.Address), corruptAfterBytes: measuring.ClientBytes().Length);
        await using Manager client = await Manager.ConnectAsync(Through(tampering, owner.Address), s_key, TestTimeout.Token());

        // Every call after the first lookup's bytes is corrupted: none may reach the list.
        await Assert.ThrowsAsync<ManagerUnavailableException>(async () =>
        {
            ISharedList<int> theirs = await client.LookupAsync<ISharedList<int>>("list");
            for (int i = 0; i < 10; i++)
            {
                await theirs.AddAsync(99).WaitAsync(TestTimeout.Token());
            }
        });
        Assert.Equal([1, 2, 3], list.ToArray());
        Assert.Equal(3, (await owner.CreateListAsync([1, 2, 3])).Count);
    }

    [Fact(Timeout = 30_000)]
    public async Task AWaitLongerThanTheLivenessChecks_CompletesOverTls()
    {
        // The client's reads time out every LivenessTimeout / 8 while it waits: each timeout must leave the TLS stream usable.
        await using Manager owner = await StartAsync();
        var quickChecks = new ConnectOptions { LivenessTimeout = TimeSpan.FromMilliseconds(400) };
        await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, quickChecks, TestTimeout.Token());
        ISharedQueue<int> queue = await client.CreateQueueAsync<int>();

        Task<(bool Success, int Value)> waiting = queue.TryTakeAsync(TimeSpan.FromSeconds(1.5));
        (bool success, _) = await waiting.WaitAsync(TestTimeout.Token());
        Assert.False(success);

        await client.PublishAsync("queue", queue);
        ISharedQueue<int> ownersView = await owner.LookupAsync<ISharedQueue<int>>("queue");
        Task<(bool Success, int Value)> second = queue.TryTakeAsync(TimeSpan.FromSeconds(10));
        ownersView.Put(42);
        (bool got, int value) = await second.WaitAsync(TestTimeout.Token());
        Assert.True(got);
        Assert.Equal(42, value);
    }

    [Fact(Timeout = 30_000)]
    public async Task LargeValues_CrossManyTlsRecords_Intact()
    {
        await using Manager owner = await StartAsync();
        await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, TestTimeout.Token());
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(payload);

        ISharedList<byte[]> list = await client.CreateListAsync<byte[]>();
        list.Add(payload);
        Assert.Equal(payload, list[0]);
    }

    [Fact(Timeout = 30_000)]
    public async Task APlainClient_OnTheTlsPort_IsClosedAtTheDeadline_AndTheManagerServesOn()
    {
        ManagerOptions options = Options();
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(500);
        await using Manager owner = await Manager.StartAsync(options);
        string plain = "tcp://127.0.0.1:" + Port(owner.Address);

        ManagerUnavailableException refused = await Assert.ThrowsAsync<ManagerUnavailableException>(
            () => Manager.ConnectAsync(plain, s_key, TestTimeout.Token()));
        Assert.Contains(plain, refused.Message, StringComparison.Ordinal);

        using var garbage = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await garbage.ConnectAsync(System.Net.IPAddress.Loopback, Port(owner.Address));
        await garbage.SendAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
        Assert.True(await IsClosedAsync(garbage), "the manager kept a connection that sent no TLS");

        await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, TestTimeout.Token());
        Assert.Empty((await client.CreateListAsync<int>()).ToArray());
    }

    [Fact(Timeout = 30_000)]
    public async Task ATlsClient_OnAPlainPort_FailsWithAuthenticationException()
    {
        await using Manager plain = await Manager.StartAsync(new ManagerOptions { Address = TransportTests.Tcp, AuthKey = s_key });
        string asTls = "tls://127.0.0.1:" + Port(plain.Address);

        await Assert.ThrowsAsync<AuthenticationException>(
            () => Manager.ConnectAsync(asTls, s_key, TestCertificates.Trusting(TestCertificates.Server), TestTimeout.Token()));
    }

    [Fact(Timeout = 30_000)]
    public async Task StalledTlsHandshakes_AreCapped_AndARealClientStillGetsIn()
    {
        ManagerOptions options = Options();
        options.MaxPendingHandshakes = 4;
        await using Manager owner = await Manager.StartAsync(options);
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < 12; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                silent.Add(socket);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, Port(owner.Address));
            }

            // The oldest strangers were closed to keep the cap: their reads end (a close or a reset).
            Assert.True(await IsClosedAsync(silent[0]), "the oldest stalled handshake was not closed");
            await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, TestTimeout.Token());
            Assert.Empty((await client.CreateListAsync<int>()).ToArray());
        }
        finally
        {
            foreach (Socket socket in silent)
            {
                socket.Dispose();
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ClientCertificates_WhenTheManagerChecksThem_OnlyTheAcceptedOneGetsIn_AndTheOwnerToo()
    {
        ManagerOptions options = Options();
        string expected = TestCertificates.Client.GetCertHashString();
        options.ClientCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == expected;
        await using Manager owner = await Manager.StartAsync(options);
        Assert.Empty((await owner.CreateListAsync<int>()).ToArray());

        await using Manager client = await Manager.ConnectAsync(owner.Address, s_key, new ConnectOptions { ClientCertificate = TestCertificates.Client }, TestTimeout.Token());
        Assert.Empty((await client.CreateListAsync<int>()).ToArray());

        Exception withoutOne = await Assert.ThrowsAnyAsync<Exception>(() => Manager.ConnectAsync(owner.Address, s_key, TestTimeout.Token()));
        Assert.True(withoutOne is AuthenticationException or ManagerUnavailableException, withoutOne.ToString());

        X509Stranger stranger = new();
        Exception withAnother = await Assert.ThrowsAnyAsync<Exception>(
            () => Manager.ConnectAsync(owner.Address, s_key, new ConnectOptions { ClientCertificate = stranger.Certificate }, TestTimeout.Token()));
        Assert.True(withAnother is AuthenticationException or ManagerUnavailableException, withAnother.ToString());
    }

    [Fact(Timeout = 30_000)]
    public async Task AStrangersClientCertificate_NeverSendsTheManagerToTheUrlsItNames()
    {
        // A leaf whose issuer the manager lacks, naming where to fetch it (AIA): .NET 10 would download it
        // while building the chain, before any key is proven, on a thread the deadline cannot end.
        var bait = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        bait.Start();
        try
        {
            int baitPort = ((System.Net.IPEndPoint)bait.LocalEndpoint).Port;
            using System.Security.Cryptography.X509Certificates.X509Certificate2 leaf = TestCertificates.IssuedBy(
                TestCertificates.Authority("CN=unknown-ca"), "CN=stranger", $"http://127.0.0.1:{baitPort}/issuer.cer");
            ManagerOptions options = Options();
            options.ClientCertificateValidationCallback = (_, _, _, _) => false;
            await using Manager owner = await Manager.StartAsync(options);

            await Assert.ThrowsAnyAsync<Exception>(() => Manager.ConnectAsync(owner.Address, s_key, new ConnectOptions { ClientCertificate = leaf }, TestTimeout.Token()));

            Assert.False(bait.Pending(), "the manager connected to the URL in a stranger's certificate");
        }
        finally
        {
            bait.Stop();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Options_RefuseATlsAddressWithoutACertificate_AndACertificateWithoutTls()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(new ManagerOptions { Address = "tls://127.0.0.1:0?sha256=" + new string('A', 64), ServerCertificate = TestCertificates.Server }));
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(new ManagerOptions { Address = TransportTests.Tls }));
        await Assert.ThrowsAsync<ArgumentException>(() => Manager.StartAsync(new ManagerOptions { Address = TransportTests.Tcp, ServerCertificate = TestCertificates.Server }));
        using var publicOnly = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestCertificates.Server.RawData);
        Assert.Throws<ArgumentException>(() => new ManagerOptions { ServerCertificate = publicOnly });
        Assert.Throws<ArgumentException>(() => new ConnectOptions { ClientCertificate = publicOnly });
        Assert.Throws<FormatException>(() => Manager.ConnectAsync("tls://127.0.0.1:1?sha256=abc", s_key).GetAwaiter().GetResult());
        Assert.Throws<FormatException>(() => Manager.ConnectAsync("tcp://127.0.0.1:1?sha256=" + new string('0', 64), s_key).GetAwaiter().GetResult());
    }

    /// <summary>Reads until the peer closes (true) or resets (true); only the test's timeout ends it otherwise.</summary>
    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, TestTimeout.Token()) > 0)
            {
            }

            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    private static ManagerOptions Options()
    {
        ManagerOptions options = TestOptions.Create(TransportTests.Tls);
        options.AuthKey = s_key;
        return options;
    }

    private static Task<Manager> StartAsync() => Manager.StartAsync(Options());

    private static int Port(string address) => int.Parse(TestCertificates.Unpinned(address).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

    private static string Through(TcpRelay relay, string address) => address.Replace(":" + Port(address) + "?", ":" + relay.Port + "?", StringComparison.Ordinal);

    /// <summary>A client certificate nobody trusts.</summary>
    private sealed class X509Stranger
    {
        public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; } = TestCertificates.Create("CN=stranger", serverAuth: false);
    }
}
