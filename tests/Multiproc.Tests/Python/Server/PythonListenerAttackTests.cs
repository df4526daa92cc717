using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Multiproc.Python.Pickle;
using Multiproc.Python.Server;
using Multiproc.Server.BuiltIns;
using Multiproc.Tests.Hardening;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Python.Server;

/// <summary>
/// The Python listener's safety promises (issue 11) under attack: wrong keys, garbage and silence before the
/// handshake, too many strangers, pickle bombs and malformed requests after it, floods of short connections, a peer
/// that never reads, and stock clients SIGKILLed mid-call or holding locks.
/// </summary>
/// <remarks>
/// Serial (<see cref="TimedAttack"/>): the tests bound how fast the listener closes connections, count the
/// process-wide drop meter, and count the listener's threads.
/// </remarks>
[Collection(nameof(TimedAttack))]
[Trait("Kind", "Process")]
public sealed class PythonListenerAttackTests
{
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_closeBound = TimeSpan.FromSeconds(3);

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Versions))]
    public async Task WrongKey_StockClient_GetsAuthenticationError_AndTheDropIsCounted(string version)
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync();

        string[] lines = await RunAsync(version, manager, "wrongkey");

        Assert.StartsWith("AuthenticationError: digest sent was rejected", lines[0], StringComparison.Ordinal);
        Assert.Equal("ok [1, 2]", lines[1]);
        await TestTimeout.UntilAsync(() => Task.FromResult(drops["authentication_failed"] >= 1), 5, "the refused key was not counted");
        Assert.Equal(1, drops["authentication_failed"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WrongKey_PickleBombsInsteadOfTheAnswer_AreNeverUnpickled_ManagerServes()
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync();
        // A 2**40-node tuple tree through the memo, small enough to pass for an answer, and a deep nest that is not.
        byte[][] bombs = [MemoDoubling(40), DeepLists(1_000_000)];

        foreach (byte[] bomb in bombs)
        {
            using PythonPeer stranger = PythonPeer.Connect(manager.PythonAddress!);
            try
            {
                stranger.SendFrame(bomb);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The listener refused the oversized answer and closed before the whole bomb was sent: also a close.
            }

            Assert.True(stranger.IsClosedByListener(s_closeBound, out byte[] received), $"a {bomb.Length}-byte bomb left the connection open");
            // Only the challenge and perhaps #FAILURE# came back: no reply, so no request was read.
            Assert.DoesNotContain("#TRACEBACK", System.Text.Encoding.Latin1.GetString(received), StringComparison.Ordinal);
            Assert.StartsWith("#CHALLENGE#{sha256}", System.Text.Encoding.Latin1.GetString(received.AsSpan(4)), StringComparison.Ordinal);
        }

        Assert.Equal(0, drops["protocol_violation"]);
        await TestTimeout.UntilAsync(() => Task.FromResult(drops["authentication_failed"] + drops["not_a_client"] == 2), 5, $"drops: {drops}");
        Assert.Equal(0, PythonSessions(manager));
        Assert.Equal("ok [1, 2]", Assert.Single(await RunAsync(PythonInterpreters.Found[0].Version, manager, "ping")));
    }

    [Theory(Timeout = 30_000)]
    [InlineData("http request", "not_a_client")]
    [InlineData("2 GiB + 1 long header", "not_a_client")]
    [InlineData("2 GiB - 1 short header", "not_a_client")]
    [InlineData("length -2", "not_a_client")]
    [InlineData("random bytes", "not_a_client")]
    [InlineData("truncated frame, then close", "handshake_failed")]
    public async Task Garbage_InsteadOfTheHandshake_IsClosedAtOnce_ManagerServes(string garbage, string reason)
    {
        using var drops = new DropCounter();
        // A long deadline: a close within the bound is the garbage's doing, not the deadline's.
        await using Manager manager = await StartAsync(options => options.HandshakeTimeout = TimeSpan.FromSeconds(30));

        using (PythonPeer stranger = PythonPeer.Connect(manager.PythonAddress!))
        {
            var watch = Stopwatch.StartNew();
            // Sent before reading the server's challenge: garbage before the handshake as much as instead of it.
            stranger.SendRaw(Garbage(garbage));
            if (garbage.StartsWith("truncated", StringComparison.Ordinal))
            {
                stranger.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }

            Assert.True(stranger.IsClosedByListener(s_closeBound, out _), $"'{garbage}' left the connection open");
            Assert.True(watch.Elapsed < s_closeBound, $"'{garbage}' was closed after {watch.Elapsed}");
        }

        await TestTimeout.UntilAsync(() => Task.FromResult(drops[reason] == 1), 5, $"'{garbage}' was not counted as {reason}: {drops}");
        using PythonPeer client = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);
        Assert.Null(client.Return(null, "dummy"));
    }

    [Fact(Timeout = 30_000)]
    public async Task SilentAndDrippingPeers_AreClosedAtTheHandshakeDeadline()
    {
        using var drops = new DropCounter();
        TimeSpan deadline = TimeSpan.FromSeconds(1);
        await using Manager manager = await StartAsync(options => options.HandshakeTimeout = deadline);
        using PythonPeer silent = PythonPeer.Connect(manager.PythonAddress!);
        using PythonPeer dripper = PythonPeer.Connect(manager.PythonAddress!);
        var watch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        // One byte of a 44-byte answer frame every 100 ms: all of it would take 4.4 s.
        Task drip = Task.Run(async () =>
        {
            byte[] answer = [0, 0, 0, 40, .. new byte[40]];
            foreach (byte b in answer)
            {
                try
                {
                    dripper.SendRaw([b]);
                    await Task.Delay(100, stop.Token);
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    return;
                }
            }
        });

        bool silentClosed = silent.IsClosedByListener(deadline + s_closeBound, out byte[] silentReceived);
        TimeSpan silentAfter = watch.Elapsed;
        bool dripperClosed = dripper.IsClosedByListener(deadline + s_closeBound, out _);
        TimeSpan dripperAfter = watch.Elapsed;
        await stop.CancelAsync();
        await drip.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(silentClosed, "a silent peer outlived the handshake deadline");
        Assert.True(dripperClosed, "a dripping peer outlived the handshake deadline");
        Assert.InRange(silentAfter, deadline * 0.9, deadline + s_closeBound);
        Assert.InRange(dripperAfter, deadline * 0.9, deadline + s_closeBound);
        Assert.StartsWith("#CHALLENGE#", System.Text.Encoding.Latin1.GetString(silentReceived.AsSpan(4)), StringComparison.Ordinal);
        await TestTimeout.UntilAsync(() => Task.FromResult(drops["handshake_timeout"] == 2), 5, $"drops: {drops}");
    }

    [Fact(Timeout = 60_000)]
    public async Task MorePendingHandshakesThanTheCap_TheOldestStrangersMakeRoom_ARealClientGetsInWhileTheyStay()
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync(options =>
        {
            options.MaxPendingHandshakes = 4;
            options.HandshakeTimeout = TimeSpan.FromSeconds(30);
        });
        var strangers = new List<PythonPeer>();
        try
        {
            for (int i = 0; i < 7; i++)
            {
                strangers.Add(PythonPeer.Connect(manager.PythonAddress!));
                // Its challenge came: it holds one of the four slots (the fifth and later evict the oldest).
                Assert.StartsWith("#CHALLENGE#", System.Text.Encoding.Latin1.GetString(ReceiveFrame(strangers[i])), StringComparison.Ordinal);
            }

            for (int i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                Assert.True(strangers[i].IsClosedByListener(s_closeBound, out byte[] received), $"old stranger {i} was kept");
                Assert.Empty(received);
                Assert.True(watch.Elapsed < s_closeBound);
            }

            Assert.Equal(3, drops["handshake_limit"]);
            Assert.All(strangers.Skip(3), s => Assert.False(s.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead), "a stranger within the cap was closed"));

            // Strangers that never answer cannot keep a real client out: it takes the oldest one's slot.
            Assert.Equal("ok [1, 2]", Assert.Single(await RunAsync(PythonInterpreters.Found[^1].Version, manager, "ping")));
        }
        finally
        {
            strangers.ForEach(s => s.Dispose());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task AuthenticatedPickleBombs_EachGetsATraceback_TheConnectionStaysInStep_ManagerServes()
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync();
        using PythonPeer peer = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);

        foreach ((string name, byte[] bomb) in Bombs())
        {
            var watch = Stopwatch.StartNew();
            peer.SendFrame(bomb);
            string traceback = PythonPeer.TracebackOf(peer.Receive());

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{name}: answered after {watch.Elapsed}");
            Assert.Contains("could not be read", traceback, StringComparison.Ordinal);
            Assert.Null(peer.Return(null, "dummy"));
        }

        // A bomb answered with a traceback drops nothing.
        Assert.Equal(0, drops["protocol_violation"]);
        Assert.Equal(1, PythonSessions(manager));
        Assert.Equal("ok [1, 2]", Assert.Single(await RunAsync(PythonInterpreters.Found[0].Version, manager, "ping")));
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FrameOverMaxFrameSize_ClosesTheConnectionOnItsHeader_AndCountsTheDrop(bool longHeader)
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync(options => options.MaxFrameSize = 1024 * 1024);
        using PythonPeer peer = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);

        // Only the header: the listener must not wait for (or allocate) the payload.
        byte[] header = longHeader ? [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0] : [0, 0x20, 0, 0];
        peer.SendRaw(header);

        Assert.True(peer.IsClosedByListener(s_closeBound, out byte[] received), "an oversized frame left the connection open");
        Assert.Empty(received);
        await TestTimeout.UntilAsync(() => Task.FromResult(drops["protocol_violation"] == 1), 5, $"the dropped connection was not counted: {drops}");
        await TestTimeout.UntilAsync(() => Task.FromResult(PythonSessions(manager) == 0), 5, "the dropped connection's session stayed open");
        Assert.True(TryDummy(manager));
    }

    [Fact(Timeout = 30_000)]
    public async Task MalformedRequests_EachGetsATraceback_AndTheConnectionStaysInStep()
    {
        await using Manager manager = await StartAsync();
        int baseline = (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;
        using PythonPeer peer = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);
        string list = peer.Create("list", new PyList([1L]));
        byte[][] notRequests =
        [
            PickleWriter.Write(null),
            PickleWriter.Write(new PyTuple(null, "dummy")),
            PickleWriter.Write(new PyTuple(null, "dummy", PyTuple.Empty, new PyDict(), 5L)),
            PickleWriter.Write(new PyTuple(1L, "dummy", PyTuple.Empty, new PyDict())),
            PickleWriter.Write(new PyTuple(null, 7L, PyTuple.Empty, new PyDict())),
            PickleWriter.Write(new PyTuple(null, "dummy", new PyList(), new PyDict())),
            PickleWriter.Write(new PyTuple(null, "dummy", PyTuple.Empty, new PyList())),
        ];

        foreach (byte[] notRequest in notRequests)
        {
            peer.SendFrame(notRequest);
            Assert.Contains("(ident, methodname, args, kwds)", PythonPeer.TracebackOf(peer.Receive()), StringComparison.Ordinal);
            Assert.Null(peer.Return(null, "dummy"));
        }

        Assert.Contains("no shared object", peer.Traceback("999999", "append", 1L), StringComparison.Ordinal);
        Assert.Contains("no shared object", peer.Traceback("not an id", "append", 1L), StringComparison.Ordinal);
        Assert.Contains("not exposed", peer.Traceback(list, "no_such_method"), StringComparison.Ordinal);
        Assert.Contains("not exposed", peer.Traceback(list, "__class__"), StringComparison.Ordinal);
        Assert.Contains("no typeid", peer.Traceback(null, "create", "NoSuchType"), StringComparison.Ordinal);
        Assert.Contains("create needs a typeid", peer.Traceback(null, "create"), StringComparison.Ordinal);
        Assert.Contains("unknown control request", peer.Traceback(null, "frobnicate"), StringComparison.Ordinal);
        Assert.Contains("no shared object", peer.Traceback(null, "incref", "999999"), StringComparison.Ordinal);

        // Still in step: a real call on the same connection gets its own reply.
        Assert.Null(peer.Return(list, "append", 2L));
        Assert.Equal(2L, peer.Return(list, "__len__"));
        Assert.Null(peer.Return(null, "decref", list));
        Assert.Equal(baseline, (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);
    }

    [Theory(Timeout = 90_000)]
    [MemberData(nameof(Versions))]
    public async Task Flood_300CreatesFromThreeThreads_AllSucceed_ObjectsSessionsAndThreadsReturnToBaseline(string version)
    {
        await using Manager manager = await StartAsync();
        int objects = (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;
        int threads = ListenerThreads();
        Assert.True(threads >= 1, "the listener's threads cannot be counted (no thread named multiproc-python)");

        string[] lines = await RunAsync(version, manager, "flood", "3", "100");

        Assert.Equal("ok 300", Assert.Single(lines));
        await TestTimeout.UntilAsync(
            async () => (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount == objects && PythonSessions(manager) == 0 && ListenerThreads() <= threads,
            10,
            "the flood left objects, sessions or threads behind");
    }

    [Fact(Timeout = 60_000)]
    public async Task PeerThatNeverReads_IsDroppedAfterTheSendStallTimeout_ManagerStaysHealthy()
    {
        using var drops = new DropCounter();
        await using Manager manager = await StartAsync(options => options.SendStallTimeout = TimeSpan.FromSeconds(1));
        using PythonPeer peer = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);
        string list = peer.Create("list", new PyList([new PyBytes(new byte[1024 * 1024])]));

        // 64 MiB of replies, far more than the socket buffers hold, and never a byte read.
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 64; i++)
        {
            peer.SendFrame(PythonPeer.Request(list, "__getitem__", 0L));
        }

        await TestTimeout.UntilAsync(() => Task.FromResult(PythonSessions(manager) == 0), 15, "the non-reading peer was not dropped");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"dropped only after {watch.Elapsed}");
        Assert.Equal(1, drops["not_reading"]);
        Assert.True(TryDummy(manager));
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientKilledWaitingForALock_IsNotGrantedItForever()
    {
        const string Acquire = """
            import sys
            from multiprocessing.managers import SyncManager
            class Client(SyncManager): pass
            Client.register('gate')
            host, port = sys.argv[1].rsplit(':', 1)
            m = Client(address=(host, int(port)), authkey=bytes.fromhex(sys.argv[2])); m.connect()
            gate = m.gate()
            print('waiting', flush=True)
            gate.acquire()
            print('acquired', flush=True)
            """;
        await using Manager manager = await StartAsync();
        ISharedLock gate = await manager.CreatePythonLockAsync();
        await manager.PublishAsync("gate", gate);
        await gate.AcquireAsync();

        using (var victim = PythonScript.Start(PythonInterpreters.Found[0], Acquire, manager.PythonAddress!["tcp://".Length..], Convert.ToHexString(manager.AuthKey.Span)))
        {
            Assert.Equal("waiting", await victim.ReadLineAsync(s_scriptTimeout));
            await TestTimeout.UntilAsync(() => Task.FromResult(Connections(manager).Any(c => c.CallsRunning > 0)), 10, "the acquire never reached the manager");
            await victim.KillAsync(s_scriptTimeout);
        }

        // At once: the dead client's acquire may still be waiting, and gets the lock; its grant must come back.
        await gate.ReleaseAsync();

        await TestTimeout.UntilAsync(() => Task.FromResult(!gate.IsLocked), 10, "the lock stayed with the dead client");
        Assert.True(await gate.TryAcquireAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Versions))]
    public async Task ClientKilledInABlockingGet_TheNextItemGoesToTheNextClient(string version)
    {
        await using Manager manager = await StartAsync();
        ISharedQueue<int> jobs = await manager.CreateQueueAsync<int>();
        await manager.PublishAsync("jobs", jobs);

        using (PythonScript victim = Start(version, manager, "consume", "1", "0"))
        {
            Assert.Equal("waiting", await victim.ReadLineAsync(s_scriptTimeout));
            await TestTimeout.UntilAsync(() => Task.FromResult(Connections(manager).Any(c => c.CallsRunning > 0)), 10, "the get never reached the manager");
            await victim.KillAsync(s_scriptTimeout);
        }

        // At once: the listener may not have noticed the death yet; the item must not go to the dead client.
        await jobs.PutAsync(1, TestTimeout.Token());

        string[] lines = await RunAsync(version, manager, "consume", "1", "10");
        Assert.Equal(["waiting", "item 1", "done"], lines);
        Assert.Equal(0, jobs.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task ClientsKilledAtRandomMoments_NoItemIsLostOrDuplicated()
    {
        await using Manager manager = await StartAsync();
        int seed = Environment.TickCount;
        var random = new Random(seed);
        const int Rounds = 10;
        const int ItemsPerRound = 2;
        int put = 0;

        for (int round = 0; round < Rounds; round++)
        {
            // A queue per round that is empty while its victim lives: an item a live client received is its own, however it dies after.
            ISharedQueue<int> jobs = await manager.CreateQueueAsync<int>();
            await manager.UnpublishAsync("jobs");
            await manager.PublishAsync("jobs", jobs);
            string version = PythonInterpreters.Found[round % PythonInterpreters.Found.Count].Version;
            using (PythonScript victim = Start(version, manager, "consume", "1", "0"))
            {
                // The kill lands anywhere from interpreter start-up through the handshake and create to the blocked get.
                await Task.Delay(random.Next(0, 400));
                await victim.KillAsync(s_scriptTimeout);
            }

            int[] expected = [.. Enumerable.Range(put + 1, ItemsPerRound)];
            foreach (int item in expected)
            {
                await jobs.PutAsync(item, TestTimeout.Token());
            }

            put += ItemsPerRound;
            var taken = new List<int>();
            for (int i = 0; i < ItemsPerRound && await jobs.TryTakeAsync(TimeSpan.FromSeconds(10)) is (true, int item); i++)
            {
                taken.Add(item);
            }

            // An item that was on its way to the dead victim comes back when the listener sees the death: maybe after a later one.
            Assert.True(expected.SequenceEqual(taken.Order()) && jobs.Count == 0, $"seed {seed}, round {round}: put [{string.Join(", ", expected)}], found [{string.Join(", ", taken)}], left {jobs.Count}");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ClientKilledHoldingLocks_ItsLockStaysHeld_ItsRLockIsReleased()
    {
        await using Manager manager = await StartAsync();
        int baseline = (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;
        string[] held;
        using (PythonScript victim = Start(PythonInterpreters.Found[0].Version, manager, "hold"))
        {
            held = (await victim.ReadLineAsync(s_scriptTimeout)).Split(' ');
            Assert.Equal("held", held[0]);
            await victim.KillAsync(s_scriptTimeout);
        }

        // An RLock belongs to its channel, which died; Python's Lock has no owner, so nobody's death releases it.
        await TestTimeout.UntilAsync(() => Task.FromResult(!LockOf(manager, held[2]).IsLocked()), 10, "the dead client's RLock is still held");
        Assert.True(LockOf(manager, held[1]).IsLocked(), "the dead client's Lock was released");
        Assert.Equal(0, PythonSessions(manager));
        // The dead client's references leak, as on CPython's own server.
        Assert.Equal(baseline + 2, (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);
    }

    private static async Task<Manager> StartAsync(Action<ManagerOptions>? configure = null)
    {
        ManagerOptions options = new ManagerOptions().ServePython("tcp://127.0.0.1:0");
        configure?.Invoke(options);
        return await Manager.StartAsync(options, TestTimeout.Token());
    }

    private static IEnumerable<PythonServerConnection> Connections(Manager manager) => manager.OwnedServer!.Host.Sessions.OfType<PythonServerConnection>();

    private static int PythonSessions(Manager manager) => Connections(manager).Count();

    private static SharedLockServer LockOf(Manager manager, string ident)
    {
        Assert.True(PythonTypes.TryParseIdent(ident, out long id), $"not an id: {ident}");
        Assert.True(manager.OwnedServer!.Host.Table.TryGet(id, out Multiproc.Server.ObjectEntry entry), $"no object {ident}");
        return Assert.IsType<SharedLockServer>(entry.Instance);
    }

    /// <summary>The listener's threads (accept and one per connection): Linux keeps the first 15 characters of a thread's name.</summary>
    private static int ListenerThreads()
        => Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("multiproc-pytho", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });

    private static bool TryDummy(Manager manager)
    {
        try
        {
            using PythonPeer client = PythonPeer.ConnectAuthenticated(manager.PythonAddress!, manager.AuthKey);
            return client.Call(null, "dummy") is ["#RETURN", null];
        }
        catch (Exception ex) when (ex is EndOfStreamException or System.Net.Sockets.SocketException or ProtocolViolationException or TimeoutException)
        {
            return false;
        }
    }

    private static byte[] ReceiveFrame(PythonPeer peer)
    {
        byte[] header = new byte[4];
        peer.Socket.ReceiveTimeout = 5_000;
        for (int read = 0; read < 4;)
        {
            read += peer.Socket.Receive(header.AsSpan(read)) is > 0 and var n ? n : throw new EndOfStreamException();
        }

        byte[] payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        for (int read = 0; read < payload.Length;)
        {
            read += peer.Socket.Receive(payload.AsSpan(read)) is > 0 and var n ? n : throw new EndOfStreamException();
        }

        return payload;
    }

    private static PythonScript Start(string version, Manager manager, string mode, params string[] arguments)
        => PythonScript.StartFile(
            PythonInterpreters.Get(version),
            Path.Combine(AppContext.BaseDirectory, "Python", "Server", "listener_attack.py"),
            [mode, PythonPeer.HostPort(manager.PythonAddress!), Convert.ToHexString(manager.AuthKey.Span), .. arguments]);

    /// <summary>Runs a script to its end and returns its lines; a non-zero exit fails with its stderr.</summary>
    private static async Task<string[]> RunAsync(string version, Manager manager, string mode, params string[] arguments)
    {
        using PythonScript script = Start(version, manager, mode, arguments);
        using var timeout = new CancellationTokenSource(s_scriptTimeout);
        var lines = new List<string>();
        await foreach (string line in script.ReadAllLinesAsync(timeout.Token))
        {
            lines.Add(line);
        }

        int exit = await script.WaitForExitAsync(s_scriptTimeout);
        Assert.True(exit == 0, $"{mode} exited {exit}: {string.Join(" | ", lines)}\n{script.StandardError}");
        return [.. lines];
    }

    private static byte[] Garbage(string name) => name switch
    {
        "http request" => "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray(),
        "2 GiB + 1 long header" => [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0x80, 0, 0, 1],
        "2 GiB - 1 short header" => [0x7F, 0xFF, 0xFF, 0xFF],
        "length -2" => [0xFF, 0xFF, 0xFF, 0xFE],
        "random bytes" => RandomBytes(4096),
        "truncated frame, then close" => [0, 0, 0, 40, .. "#CHALLENGE"u8],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        new Random(11).NextBytes(bytes);
        // A negative length: the listener must refuse it on the header.
        bytes[0] = 0xC3;
        return bytes;
    }

    /// <summary>Pickle bombs and non-pickles, each in one frame under the default 64 MiB limit.</summary>
    private static IEnumerable<(string Name, byte[] Bomb)> Bombs()
    {
        yield return ("deep list nesting", DeepLists(1_000_000));
        yield return ("open marks", [0x80, 4, .. Repeat((byte)'(', 1_000_000), (byte)'.']);
        yield return ("BINBYTES8 of 2**60", [0x80, 4, 0x8E, .. LittleEndian(1UL << 60), .. "abc"u8, (byte)'.']);
        yield return ("BINUNICODE of 2**32-1", [0x80, 4, (byte)'X', 0xFF, 0xFF, 0xFF, 0xFF, .. "abc"u8, (byte)'.']);
        yield return ("BINUNICODE8 of 2**63", [0x80, 4, 0x8D, .. LittleEndian(1UL << 63), (byte)'.']);
        yield return ("LONG4 of 2**31-1", [0x80, 4, 0x8B, 0xFF, 0xFF, 0xFF, 0x7F, 1, (byte)'.']);
        yield return ("FRAME of 2**62", [0x80, 4, 0x95, .. LittleEndian(1UL << 62), (byte)'N', (byte)'.']);
        yield return ("memo doubling to 2**40", MemoDoubling(40));
        yield return ("shared list doubling to 2**30", SharedListDoubling(30));
        yield return ("1.1 million memo entries", MemoFlood(1_100_000));
        yield return ("memo get of a missing entry", [0x80, 4, (byte)'h', 5, (byte)'.']);
        yield return ("a PUT at index 2**32-1", [0x80, 4, (byte)'N', (byte)'r', 0xFF, 0xFF, 0xFF, 0xFF, (byte)'.']);
        yield return ("a global", [0x80, 2, (byte)'c', .. "os\nsystem\n"u8, (byte)'.']);
        yield return ("a REDUCE of os.system", [0x80, 2, (byte)'c', .. "os\nsystem\n"u8, (byte)'X', 2, 0, 0, 0, .. "id"u8, 0x85, (byte)'R', (byte)'.']);
        yield return ("no STOP", [0x80, 4, (byte)'N']);
        yield return ("empty frame", []);
        yield return ("text", "hello, manager"u8.ToArray());
        yield return ("random bytes", RandomBytes(100_000));
    }

    /// <summary><c>[[[...]]]</c> nested <paramref name="depth"/> deep: EMPTY_LIST × depth, APPEND × (depth - 1).</summary>
    private static byte[] DeepLists(int depth) => [0x80, 4, .. Repeat((byte)']', depth), .. Repeat((byte)'a', depth - 1), (byte)'.'];

    /// <summary><c>t = (); t = (t, t)</c> <paramref name="times"/> times: a tree of 2**times nodes in a few bytes.</summary>
    private static byte[] MemoDoubling(int times)
    {
        var bytes = new List<byte> { 0x80, 4, (byte)')' };
        for (int i = 0; i < times; i++)
        {
            bytes.AddRange([(byte)'2', 0x86]);
        }

        bytes.Add((byte)'.');
        return [.. bytes];
    }

    /// <summary><c>l = []; l = [l, l]</c> through the memo, <paramref name="times"/> times.</summary>
    private static byte[] SharedListDoubling(int times)
    {
        var bytes = new List<byte> { 0x80, 4, (byte)']', 0x94 };
        for (int i = 1; i <= times; i++)
        {
            bytes.AddRange([(byte)']', (byte)'(', (byte)'h', (byte)(i - 1), (byte)'h', (byte)(i - 1), (byte)'e', 0x94]);
        }

        bytes.Add((byte)'.');
        return [.. bytes];
    }

    /// <summary>None, stored under <paramref name="count"/> distinct LONG_BINPUT indices.</summary>
    private static byte[] MemoFlood(int count)
    {
        byte[] bytes = new byte[3 + (5 * count) + 1];
        bytes[0] = 0x80;
        bytes[1] = 4;
        bytes[2] = (byte)'N';
        for (int i = 0; i < count; i++)
        {
            bytes[3 + (5 * i)] = (byte)'r';
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 + (5 * i)), i);
        }

        bytes[^1] = (byte)'.';
        return bytes;
    }

    private static byte[] Repeat(byte value, int count) => Enumerable.Repeat(value, count).ToArray();

    private static byte[] LittleEndian(ulong value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
