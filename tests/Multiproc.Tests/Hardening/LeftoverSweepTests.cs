using System.Diagnostics;
using System.Net.Sockets;
using Multiproc.Memory;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;
using Multiproc.Transport;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F9: a killed manager left its <c>mp-*</c> socket directory (and its shared memory blocks) behind and
/// nothing swept them. Dead means: the recorded pid is gone and the socket refuses connections.
/// </summary>
[Trait("Kind", "Process")]
public sealed class LeftoverSweepTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mpsw-").FullName;
    private readonly string _shm = Directory.CreateTempSubdirectory("mpsw-shm-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_shm, recursive: true);
    }

    // F9: leftovers of a dead manager stayed forever.
    [Fact]
    public void Run_DeadManagersDirectoryAndBlock_AreRemoved()
    {
        int dead = ExitedProcessId();
        string directory = FakeDeadDirectory(dead);
        string block = FakeBlock(dead);
        string userBlock = Path.Combine(_shm, "mp-users-own-name");
        File.WriteAllBytes(userBlock, [1]);

        (int directories, int blocks) = LeftoverSweep.Run(_root, _shm);

        Assert.Equal((1, 1), (directories, blocks));
        Assert.False(Directory.Exists(directory));
        Assert.False(File.Exists(block));
        Assert.True(File.Exists(userBlock), "a block with a name the user chose was removed");
    }

    // F9, and "parallel test runs never sweep each other": a pid that looks dead (another pid namespace) but a socket that answers is kept.
    [Fact]
    public void Run_DeadPidButTheSocketAnswers_KeepsDirectoryAndBlock()
    {
        int dead = ExitedProcessId();
        string directory = FakeListeningDirectory(dead, out Socket listener);
        using (listener)
        {
            string block = FakeBlock(dead);

            Assert.Equal((0, 0), LeftoverSweep.Run(_root, _shm));
            Assert.True(Directory.Exists(directory));
            Assert.True(File.Exists(block));
        }
    }

    // F9: a manager that starts sweeps (here in a child process whose temp directory is ours); a live manager is never swept.
    [Fact(Timeout = 60_000)]
    public async Task ManagerStart_SweepsDeadLeftovers_AndALiveManagerIsKept()
    {
        string dead = FakeDeadDirectory(ExitedProcessId());
        using PeerProcess live = PeerProcess.StartWith(info => info.Environment["TMPDIR"] = _root, "serve");
        string address = await live.ReadLineAsync(TestTimeout.Token(30));
        string liveDirectory = Path.GetDirectoryName(ManagerAddress.Parse(address).UnixPath)!;
        Assert.Equal(_root, Path.GetDirectoryName(liveDirectory));
        Assert.True(SocketDirectory.TryParseOwner(Path.GetFileName(liveDirectory), out int owner));
        Assert.Equal(live.Id, owner);
        string liveBlock = FakeBlock(live.Id);

        await TestTimeout.UntilAsync(() => Task.FromResult(!Directory.Exists(dead)), 20, "the starting manager did not sweep");
        Assert.Equal((0, 0), LeftoverSweep.Run(_root, _shm));
        Assert.True(Directory.Exists(liveDirectory));
        Assert.True(File.Exists(liveBlock));
    }

    // F9: the directory names had no pid (Directory.CreateTempSubdirectory("mp-")).
    [Fact(Timeout = 60_000)]
    public async Task DefaultAddresses_InProcessAndChildProcess_RecordTheCreatorsPid()
    {
        await using Manager inProcess = await Manager.StartAsync(cancellationToken: TestTimeout.Token());
        await using Manager child = await Manager.StartAsync(new ManagerOptions { Hosting = ManagerHosting.ChildProcess }, TestTimeout.Token(30));
        foreach (Manager manager in new[] { inProcess, child })
        {
            string directory = Path.GetFileName(Path.GetDirectoryName(ManagerAddress.Parse(manager.Address).UnixPath))!;
            Assert.True(SocketDirectory.TryParseOwner(directory, out int pid), directory);
            // A child-process manager's directory belongs to its owner, which removes it.
            Assert.Equal(Environment.ProcessId, pid);
        }

        using var memory = SharedMemory.Create(16);
        Assert.True(SharedMemoryName.TryParseCreator(memory.Name, out int creator));
        Assert.Equal(Environment.ProcessId, creator);
    }

    private static int ExitedProcessId()
    {
        using Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        Assert.True(process.WaitForExit(10_000));
        return process.Id;
    }

    /// <summary>A directory as a killed manager leaves it: its pid, and a socket file nobody listens on.</summary>
    private string FakeDeadDirectory(int pid)
    {
        string directory = FakeListeningDirectory(pid, out Socket listener);
        // Closing does not remove a Unix socket's file.
        listener.Dispose();
        return directory;
    }

    private string FakeListeningDirectory(int pid, out Socket listener)
    {
        string directory = SocketDirectory.Create(_root, pid);
        listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory, SocketDirectory.SocketFileName)));
        listener.Listen(4);
        return directory;
    }

    private string FakeBlock(int pid)
    {
        string path = Path.Combine(_shm, SharedMemoryName.CreateRandom(pid));
        File.WriteAllBytes(path, new byte[64]);
        return path;
    }
}
