using Multiproc.Memory;

namespace Multiproc.Tests.Shared;

public sealed class SharedMemoryDirectoryTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("mp-dir-test-");

    [Fact]
    public void Resolve_WritableShmRoot_ReturnsIt()
    {
        string shm = _root.CreateSubdirectory("shm").FullName;

        Assert.Equal(shm, SharedMemoryDirectory.Resolve(shm, _root.FullName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(shm));
    }

    [Fact]
    public void Resolve_MissingShmRoot_CreatesPrivateFallback()
    {
        string fallback = SharedMemoryDirectory.Resolve(Path.Combine(_root.FullName, "absent"), _root.FullName);

        Assert.Equal(Path.Combine(_root.FullName, "multiproc-shm-" + Environment.UserName), fallback);
        Assert.True(Directory.Exists(fallback));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Private, File.GetUnixFileMode(fallback));
            Assert.Equal(fallback, SharedMemoryDirectory.Resolve(Path.Combine(_root.FullName, "absent"), _root.FullName));
        }
    }

    [Fact]
    public void Resolve_FallbackExistsWithOpenMode_ThrowsUnauthorizedAccess()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fallback = Path.Combine(_root.FullName, "multiproc-shm-" + Environment.UserName);
        Directory.CreateDirectory(fallback, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Assert.Throws<UnauthorizedAccessException>(() => SharedMemoryDirectory.Resolve(Path.Combine(_root.FullName, "absent"), _root.FullName));
    }

    [Fact]
    public void Resolve_FallbackIsSymlink_ThrowsUnauthorizedAccess()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string target = Directory.CreateDirectory(Path.Combine(_root.FullName, "elsewhere"), Private).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root.FullName, "multiproc-shm-" + Environment.UserName), target);

        Assert.Throws<UnauthorizedAccessException>(() => SharedMemoryDirectory.Resolve(Path.Combine(_root.FullName, "absent"), _root.FullName));
    }

    public void Dispose()
    {
        _root.Delete(recursive: true);
        Assert.False(Directory.Exists(_root.FullName));
    }
}
