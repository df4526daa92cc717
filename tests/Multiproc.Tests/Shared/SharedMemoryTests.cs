using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Multiproc.Memory;

namespace Multiproc.Tests.Shared;

[Trait("Kind", "Process")]
public sealed partial class SharedMemoryTests
{
    private const int TimeoutMs = 60_000;

    // Maps the file, announces itself at offset 0, waits for the parent's value at 8, answers
    // its double at 16 and prints the long the parent wrote at 24 before the child started.
    private const string PingPongScript = """
        import mmap, os, struct, sys, time
        fd = os.open(sys.argv[1], os.O_RDWR)
        m = mmap.mmap(fd, 0)
        os.close(fd)
        base = int(sys.argv[2])
        struct.pack_into('<q', m, base, 1)
        deadline = time.monotonic() + 20
        while struct.unpack_from('<q', m, base + 8)[0] == 0:
            if time.monotonic() > deadline:
                sys.exit(3)
            time.sleep(0)
        struct.pack_into('<q', m, base + 16, 2 * struct.unpack_from('<q', m, base + 8)[0])
        print(struct.unpack_from('<q', m, base + 24)[0])
        m.close()
        """;

    private const string WriteThenKillSelfScript = """
        import mmap, os, signal, struct, sys
        fd = os.open(sys.argv[1], os.O_RDWR)
        m = mmap.mmap(fd, 0)
        os.close(fd)
        struct.pack_into('<q', m, 0, 99)
        os.kill(os.getpid(), signal.SIGKILL)
        """;

    private static readonly TimeSpan s_spinTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void Create_NullName_RandomNameZeroFilledOwnerOnlyFile()
    {
        using var memory = SharedMemory.Create(4096);

        Assert.Matches(RandomName(), memory.Name);
        Assert.Equal(4096, memory.Length);
        Assert.True(memory.Span.IndexOfAnyExcept((byte)0) < 0);
        Assert.True(File.Exists(memory.FilePath));
        if (Directory.Exists("/dev/shm"))
        {
            Assert.Equal(Path.Combine("/dev/shm", memory.Name), memory.FilePath);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(memory.FilePath));
        }
    }

    [Fact]
    public void Create_ExistingName_ThrowsIOException()
    {
        using var memory = SharedMemory.Create(64);

        Assert.Throws<IOException>(() => SharedMemory.Create(64, memory.Name));
        Assert.True(File.Exists(memory.FilePath));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Create_SizeBelowOne_ThrowsArgumentOutOfRange(long size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedMemory.Create(size));

    [Fact]
    public void Create_SizeBeyondAvailableSpace_ThrowsIOExceptionAndLeavesNoFile()
    {
        string name = "mp-test-" + Guid.NewGuid().ToString("N");

        Assert.ThrowsAny<IOException>(() => SharedMemory.Create(1L << 50, name));
        Assert.False(File.Exists(Path.Combine(SharedMemoryDirectory.Path, name)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../etc/passwd")]
    [InlineData("a..b")]
    [InlineData("a/b")]
    [InlineData("/dev/shm/x")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData("ä")]
    public void Open_InvalidName_ThrowsArgumentException(string name)
    {
        Assert.Throws<ArgumentException>(() => SharedMemory.Open(name));
        Assert.Throws<ArgumentException>(() => SharedMemory.Create(64, name));
    }

    [Fact]
    public void Open_NameTooLong_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => SharedMemory.Open(new string('a', SharedMemoryName.MaxLength + 1)));

    [Fact]
    public void Open_MissingName_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => SharedMemory.Open("mp-missing-" + Guid.NewGuid().ToString("N")));

    [Fact]
    public void Open_SameName_MappingsSeeEachOthersWrites()
    {
        using var owner = SharedMemory.Create(8192);
        using var other = SharedMemory.Open(owner.Name);

        owner.Span[100] = 42;
        other.GetSpan(8000, 8).Fill(7);

        Assert.Equal(owner.Length, other.Length);
        Assert.Equal(42, other.Span[100]);
        Assert.Equal(7, owner.Span[8007]);
    }

    [Fact]
    public void GetSpan_RangeOutsideBlock_ThrowsArgumentOutOfRange()
    {
        using var memory = SharedMemory.Create(100);

        Assert.Equal(10, memory.GetSpan(90, 10).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.GetSpan(91, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.GetSpan(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => memory.GetSpan(0, -1));
    }

    [Fact]
    public void Span_AfterDispose_ThrowsObjectDisposed()
    {
        var memory = SharedMemory.Create(64);
        memory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => memory.GetSpan(0, 1).Length);
    }

    [Fact]
    public void Dispose_Owner_RemovesFile()
    {
        var memory = SharedMemory.Create(64);
        string path = memory.FilePath;

        memory.Dispose();
        memory.Dispose();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Dispose_Opener_KeepsFile()
    {
        using var owner = SharedMemory.Create(64);

        SharedMemory.Open(owner.Name).Dispose();

        Assert.True(File.Exists(owner.FilePath));
    }

    [Fact]
    public void Unlink_WhileAnotherMappingIsOpen_DataStaysReadableAndShared()
    {
        using var owner = SharedMemory.Create(64);
        using var other = SharedMemory.Open(owner.Name);
        owner.Span[0] = 1;

        owner.Unlink();
        owner.Span[1] = 2;

        Assert.False(File.Exists(owner.FilePath));
        Assert.Equal(new byte[] { 1, 2 }, other.Span[..2].ToArray());
        Assert.Throws<FileNotFoundException>(() => SharedMemory.Open(owner.Name));
        owner.Unlink();
    }

    [Fact]
    public void Finalizer_UndisposedOwner_RemovesFile()
    {
        string path = CreateAndAbandon();

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TimeoutMs)]
    public async Task Open_FromPythonProcess_SeesBytesBothWaysWithoutCalls()
    {
        using var memory = SharedMemory.Create(4096);
        Long(memory, 24) = 7;

        Task<ChildProcessResult> child = ChildProcessRunner.RunPythonAsync(PingPongScript, memory.FilePath, "0");
        bool ready = SpinWait.SpinUntil(() => Volatile.Read(ref Long(memory, 0)) == 1, s_spinTimeout);
        Volatile.Write(ref Long(memory, 8), 21);
        ChildProcessResult result = await child;

        Assert.True(ready, result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("7", result.Output.Trim());
        Assert.Equal(42, Volatile.Read(ref Long(memory, 16)));
    }

    [Fact(Timeout = TimeoutMs)]
    public async Task Dispose_AfterOpenerProcessWasKilled_RemovesFileAndLeaksNothing()
    {
        var memory = SharedMemory.Create(4096);
        string path = memory.FilePath;

        ChildProcessResult result = await ChildProcessRunner.RunPythonAsync(WriteThenKillSelfScript, path);

        Assert.Equal(128 + 9, result.ExitCode);
        Assert.True(File.Exists(path));
        Assert.Equal(99, Long(memory, 0));
        memory.Dispose();
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TimeoutMs)]
    public async Task Create_OwnerProcessExitsWithoutDispose_FileRemoved()
    {
        string name = "mp-test-" + Guid.NewGuid().ToString("N");
        string path = Path.Combine(SharedMemoryDirectory.Path, name);

        ChildProcessResult result = await StartupHook.RunOwnerProcessAsync(name);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("created " + path, result.Output.Trim());
        Assert.False(File.Exists(path));
    }

    private static ref long Long(SharedMemory memory, int offset) =>
        ref MemoryMarshal.AsRef<long>(memory.GetSpan(offset, sizeof(long)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string CreateAndAbandon() => SharedMemory.Create(64).FilePath;

    [GeneratedRegex("^mp-[0-9]+-[0-9a-f]{16}$")]
    private static partial Regex RandomName();
}
