using System.Globalization;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Multiproc.Tests.Processes;

namespace Multiproc.Tests.Integration;

[Trait("Kind", "Process")]
public class ChildProcessHostingTests
{
    [Fact(Timeout = 60_000)]
    public async Task ChildProcessManager_ServesRegisteredClasses_AndExitsOnDispose()
    {
        ManagerOptions options = TestOptions.Create();
        options.Hosting = ManagerHosting.ChildProcess;
        Manager manager = await Manager.StartAsync(options);
        int serverPid = manager.ServerProcessId;
        string socketDirectory = Path.GetDirectoryName(manager.Address["unix:".Length..])!;
        try
        {
            Assert.NotEqual(Environment.ProcessId, serverPid);
            Assert.True(ProcessProbe.IsRunning(serverPid));
            IEmployee alice = await manager.CreateAsync<IEmployee>("Alice", 1m);
            Assert.Equal(2m, alice.Raise(1m));

            await using Manager other = await Manager.ConnectAsync(manager.Address, manager.AuthKey);
            ISharedList<int> list = await other.CreateListAsync<int>([1, 2]);
            Assert.Equal(2, list.Count);
        }
        finally
        {
            await manager.DisposeAsync();
        }

        await ProcessProbe.WaitForExitAsync(serverPid, TestTimeout.Token(10));
        Assert.False(Directory.Exists(socketDirectory));
    }

    [Fact(Timeout = 60_000)]
    public async Task ChildProcessManager_OverTcp_ReportsTheRealPort()
    {
        ManagerOptions options = TestOptions.Create();
        options.Hosting = ManagerHosting.ChildProcess;
        options.Address = "tcp://127.0.0.1:0";
        await using Manager manager = await Manager.StartAsync(options);
        Assert.Matches(@"^tcp://127\.0\.0\.1:[1-9][0-9]*$", manager.Address);
        Assert.Equal("Bob", (await manager.CreateAsync<IEmployee>("Bob")).Name);
    }

    [Fact(Timeout = 20_000)]
    public async Task ChildProcessManager_FactoryRegistration_IsRefused()
    {
        var options = new ManagerOptions().Register<ITracked>(() => new Tracked("f"));
        options.Hosting = ManagerHosting.ChildProcess;
        await Assert.ThrowsAsync<NotSupportedException>(() => Manager.StartAsync(options));
    }

    [Fact(Timeout = 60_000)]
    public async Task OwnerKilled_ChildProcessManagerExitsByItself()
    {
        using PeerProcess owner = PeerProcess.Start("serve-child");
        int serverPid = int.Parse(await owner.ReadLineAsync(TestTimeout.Token(40)), CultureInfo.InvariantCulture);
        Assert.True(ProcessProbe.IsRunning(serverPid));

        owner.Kill();

        await ProcessProbe.WaitForExitAsync(serverPid, TestTimeout.Token(15));
    }
}
