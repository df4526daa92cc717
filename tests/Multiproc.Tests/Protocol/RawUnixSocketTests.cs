using System.Net.Sockets;
using Multiproc.Protocol;
using Multiproc.Proxies;
using Multiproc.Tests.Hardening;
using Multiproc.Tests.Infrastructure;
using Multiproc.Transport;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// <see cref="RawUnixSocket"/> against a real listening socket: it must fail, time out and close
/// exactly as the <see cref="Socket"/> it stands in for, because the client code handles one set of exceptions.
/// </summary>
public sealed class RawUnixSocketTests : IDisposable
{
    private static readonly TimeSpan s_peerTimeout = TimeSpan.FromSeconds(10);
    private readonly FuzzUnixListener _listener = new();

    private string SocketFile => _listener.Address["unix:".Length..];

    [Fact(Timeout = 20_000)]
    public async Task SendAndReceive_CarryBytesBothWays()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (client)
        using (server)
        {
            Assert.Equal(3, client.Send([1, 2, 3]));
            byte[] received = new byte[3];
            Assert.Equal(3, await ReceiveExactlyAsync(server, received));
            Assert.Equal([1, 2, 3], received);

            server.Send([4, 5]);
            byte[] back = new byte[2];
            Assert.Equal(2, ReceiveExactly(client, back));
            Assert.Equal([4, 5], back);
        }
    }

    [Fact]
    public void Receive_WhenTheTimeoutRunsOut_ThrowsTimedOut_AndTheSocketStaysUsable()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (client)
        using (server)
        {
            client.ReceiveTimeout = 50;
            SocketException timedOut = Assert.Throws<SocketException>(() => client.Receive(new byte[8]));
            Assert.Equal(SocketError.TimedOut, timedOut.SocketErrorCode);

            server.Send([7]);
            byte[] one = new byte[1];
            Assert.Equal(1, client.Receive(one));
            Assert.Equal(7, one[0]);
        }
    }

    [Fact]
    public void Receive_AfterThePeerClosed_ReturnsZero()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (client)
        {
            server.Dispose();
            client.ReceiveTimeout = 10_000;
            Assert.Equal(0, client.Receive(new byte[8]));
        }
    }

    [Fact]
    public void Send_AfterThePeerClosed_ThrowsSocketException_AndNoSignalEndsTheProcess()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (client)
        {
            server.Dispose();
            client.SendTimeout = 10_000;
            SocketException error = Assert.Throws<SocketException>(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    client.Send(new byte[1024]);
                }
            });
            Assert.Contains(error.SocketErrorCode, new[] { SocketError.Shutdown, SocketError.ConnectionReset });
        }
    }

    [Fact]
    public void Send_IntoAPeerThatStopsReading_FillsUp_ThenTimesOut()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (client)
        using (server)
        {
            Assert.True(client.SendBufferSize > 0);
            Assert.True(client.PollWritable(0));
            client.SendTimeout = 100;
            byte[] chunk = new byte[4096];
            SocketException full = Assert.Throws<SocketException>(() =>
            {
                for (int i = 0; i < 100_000; i++)
                {
                    client.Send(chunk);
                }
            });

            Assert.Equal(SocketError.TimedOut, full.SocketErrorCode);
            Assert.False(client.PollWritable(0));

            // The peer drains everything: there is room again.
            server.ReceiveTimeout = 200;
            byte[] drain = new byte[64 * 1024];
            try
            {
                while (server.Receive(drain) > 0)
                {
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
            }

            Assert.True(client.PollWritable(5_000_000));
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Dispose_WakesAReceiveBlockedOnAnotherThread()
    {
        (RawUnixSocket client, Socket server) = Connect();
        using (server)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<int> receive = Task.Factory.StartNew(
                () =>
                {
                    started.SetResult();
                    try
                    {
                        return client.Receive(new byte[8]);
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                        return -1;
                    }
                },
                TaskCreationOptions.LongRunning);
            await started.Task.WaitAsync(TestTimeout.Token());

            client.Dispose();

            Assert.True(await receive.WaitAsync(TestTimeout.Token()) <= 0);
            Assert.Throws<ObjectDisposedException>(() => client.Receive(new byte[1]));
            Assert.Throws<ObjectDisposedException>(() => client.Send([1]));
            client.Dispose();
        }
    }

    [Fact]
    public void Connect_WhereNoSocketFileIs_ThrowsAddressNotAvailable()
    {
        SocketException error = Assert.Throws<SocketException>(() => ConnectRaw(Path.Combine(_listener.Directory, "absent")).Dispose());
        Assert.Equal(SocketError.AddressNotAvailable, error.SocketErrorCode);
    }

    [Fact]
    public void Connect_ToASocketFileNobodyListensOn_ThrowsConnectionRefused()
    {
        // Bound and not listening: the socket file is there and refuses (a disposed Socket would delete it).
        string path = Path.Combine(_listener.Directory, "closed");
        using var notListening = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        notListening.Bind(new UnixDomainSocketEndPoint(path));

        SocketException error = Assert.Throws<SocketException>(() => ConnectRaw(path).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
    }

    [Fact]
    public void Connect_APathLongerThanASocketAddress_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ConnectRaw("/tmp/" + new string('x', 120)).Dispose());
        Assert.Throws<ArgumentException>(() => ConnectRaw("/tmp/" + new string('é', 60)).Dispose());
    }

    [Fact(Timeout = 20_000)]
    public async Task Connect_ANonAsciiPath_ReachesTheListener()
    {
        string directory = Directory.CreateTempSubdirectory("mp-é-").FullName;
        try
        {
            string path = Path.Combine(directory, "sockét");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            using RawUnixSocket client = ConnectRaw(path);
            using Socket server = await listener.AcceptAsync(TestTimeout.Token());
            Assert.Equal(1, client.Send([9]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // A manager that stopped accepting (frozen, or flooded) fills its listen backlog; a blocking Unix
    // connect then waits for room. Without the send timeout set before connecting it waited for ever.
    [Fact(Timeout = 20_000)]
    public async Task ConnectInline_ToAFullListenBacklog_FailsWithinTheConnectTimeout()
    {
        string path = Path.Combine(_listener.Directory, "full");
        using var frozen = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        frozen.Bind(new UnixDomainSocketEndPoint(path));
        frozen.Listen(1);
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 64; i++)
            {
                var filler = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
                fillers.Add(filler);
                try
                {
                    filler.Connect(new UnixDomainSocketEndPoint(path));
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
                {
                    break;  // the backlog is full: the next blocking connect would wait
                }
            }

            Task<ManagerUnavailableException> attempt = Task.Run(() => Assert.Throws<ManagerUnavailableException>(() =>
                SocketConnector.ConnectAndAuthenticateInline(ManagerAddress.Parse("unix:" + path), new byte[32], ConnectSettings.Default with { ConnectTimeout = TimeSpan.FromMilliseconds(300) })));

            ManagerUnavailableException error = await attempt.WaitAsync(TestTimeout.Token(15));
            Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            fillers.ForEach(filler => filler.Dispose());
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task ManagerClients_UseItForUnixSockets_AndASocketForTcp()
    {
        await using Manager unix = await Manager.StartAsync(TestOptions.Create());
        await using Manager tcp = await Manager.StartAsync(TestOptions.Create("tcp://127.0.0.1:0"));

        (ConnectionSocket overUnix, _) = await SocketConnector.ConnectAndAuthenticateAsync(ManagerAddress.Parse(unix.Address), unix.AuthKey, ConnectSettings.Default, TestTimeout.Token());
        (ConnectionSocket overTcp, _) = await SocketConnector.ConnectAndAuthenticateAsync(ManagerAddress.Parse(tcp.Address), tcp.AuthKey, ConnectSettings.Default, TestTimeout.Token());
        using (overUnix)
        using (overTcp)
        {
            Assert.IsType<RawUnixSocket>(overUnix);
            Assert.IsType<NetConnectionSocket>(overTcp);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static int ReceiveExactly(ConnectionSocket socket, byte[] buffer)
    {
        socket.ReceiveTimeout = (int)s_peerTimeout.TotalMilliseconds;
        int total = 0;
        while (total < buffer.Length)
        {
            int received = socket.Receive(buffer.AsSpan(total));
            Assert.True(received > 0, "the peer closed early");
            total += received;
        }

        return total;
    }

    private static async Task<int> ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int received = await socket.ReceiveAsync(buffer.AsMemory(total), TestTimeout.Token());
            Assert.True(received > 0, "the peer closed early");
            total += received;
        }

        return total;
    }

    private static RawUnixSocket ConnectRaw(string path)
    {
        RawUnixSocket socket = RawUnixSocket.Create();
        try
        {
            socket.Connect(path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private (RawUnixSocket Client, Socket Server) Connect()
    {
        RawUnixSocket client = ConnectRaw(SocketFile);
        return (client, _listener.Accept(s_peerTimeout));
    }
}
