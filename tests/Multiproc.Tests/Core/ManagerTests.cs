using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public class ManagerTests
{
    [Fact(Timeout = 20_000)]
    public async Task StartAsync_Default_ListensOnPrivateUnixSocket_RemovedOnDispose()
    {
        Manager manager = await Manager.StartAsync(TestOptions.Create());
        Assert.StartsWith("unix:", manager.Address, StringComparison.Ordinal);
        string path = manager.Address["unix:".Length..];
        string directory = Path.GetDirectoryName(path)!;
        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(32, manager.AuthKey.Length);

        await manager.DisposeAsync();

        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(directory));
    }

    [Fact(Timeout = 20_000)]
    public async Task StartAsync_TcpPortZero_ReportsTheRealPort()
    {
        var options = TestOptions.Create();
        options.Address = "tcp://127.0.0.1:0";
        await using Manager manager = await Manager.StartAsync(options);
        Assert.Matches(@"^tcp://127\.0\.0\.1:[1-9][0-9]*$", manager.Address);

        await using Manager client = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
        IEmployee employee = await client.CreateAsync<IEmployee>("Tcp", 1m);
        Assert.Equal(2m, employee.Raise(1m));
    }

    [Fact(Timeout = 20_000)]
    public async Task StartAsync_ExplicitUnixPath_IsUsedAndRemoved()
    {
        string directory = Directory.CreateTempSubdirectory("mpt-").FullName;
        try
        {
            var options = TestOptions.Create();
            options.Address = "unix:" + Path.Combine(directory, "m.sock");
            await using (Manager manager = await Manager.StartAsync(options))
            {
                Assert.Equal(options.Address, manager.Address);
            }

            Assert.False(File.Exists(Path.Combine(directory, "m.sock")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task DisposingAConnector_OnlyClosesItsConnection()
    {
        await using Manager owner = await Manager.StartAsync(TestOptions.Create());
        Manager connector = await Manager.ConnectAsync(owner.Address, owner.AuthKey);
        await connector.DisposeAsync();

        IEmployee employee = await owner.CreateAsync<IEmployee>("Still", 1m);
        Assert.Equal("Still", employee.Name);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connector.GetStatsAsync());
    }

    [Fact(Timeout = 20_000)]
    public async Task GetStatsAsync_CountsObjectsConnectionsAndTypes()
    {
        await using Manager owner = await Manager.StartAsync(TestOptions.Create());
        // Held until the stats are read: a dropped proxy's finalizer may release its object first.
        IEmployee a = await owner.CreateAsync<IEmployee>("A");
        IEmployee b = await owner.CreateAsync<IEmployee>("B");
        ICounter counter = await owner.CreateAsync<ICounter>();

        ManagerStats stats = await owner.GetStatsAsync();
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(counter);

        Assert.Equal(3, stats.ObjectCount);
        Assert.Equal(1, stats.ConnectionCount);
        Assert.Equal(2, stats.ObjectsByType[typeof(IEmployee).FullName!]);
        Assert.True(stats.CallCount >= 3);
    }

    [Fact(Timeout = 20_000)]
    public async Task ConnectAsync_NothingListening_ThrowsManagerUnavailable()
        => await Assert.ThrowsAsync<ManagerUnavailableException>(() =>
            Manager.ConnectAsync("unix:" + Path.Combine(Path.GetTempPath(), "mp-nothing-" + Guid.NewGuid().ToString("N")[..8]), new byte[32]));

    [Theory(Timeout = 20_000)]
    [InlineData("http://localhost:80")]
    [InlineData("tcp://nohost")]
    [InlineData("unix:")]
    public async Task ConnectAsync_MalformedAddress_ThrowsFormatException(string address)
        => await Assert.ThrowsAsync<FormatException>(() => Manager.ConnectAsync(address, new byte[32]));

    [Fact(Timeout = 20_000)]
    public async Task ConnectAsync_PeerOfAnotherProtocolVersion_ThrowsProtocolViolation()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        Task serve = Task.Run(async () =>
        {
            using System.Net.Sockets.Socket peer = await listener.AcceptSocketAsync();
            byte[] hello = new byte[54];
            "MPRC"u8.CopyTo(hello);
            hello[4] = 99;
            await peer.SendAsync(hello);
            await peer.ReceiveAsync(new byte[1]);
        });

        ProtocolViolationException error = await Assert.ThrowsAsync<ProtocolViolationException>(() =>
            Manager.ConnectAsync($"tcp://127.0.0.1:{port}", new byte[32], TestTimeout.Token()));
        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
        await serve.WaitAsync(TestTimeout.Token());
    }
}
