using System.Runtime.InteropServices;

namespace Multiproc.Tests.Processes;

/// <summary>Points this process's stdout or stderr descriptor at a file until disposed, so processes started meanwhile inherit the file.</summary>
/// <remarks>Linux only. Everything this process writes to the descriptor meanwhile goes to the file too, so use it in a serial test.</remarks>
internal sealed class FileDescriptorRedirect : IDisposable
{
    private readonly int _target;
    private readonly int _saved;
    private readonly FileStream _file;

    public FileDescriptorRedirect(int target, string path)
    {
        _target = target;
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        _saved = Dup(target);
        Assert.True(_saved >= 0);
        Assert.True(Dup2((int)_file.SafeFileHandle.DangerousGetHandle(), target) >= 0);
    }

    public void Dispose()
    {
        _ = Dup2(_saved, _target);
        _ = Close(_saved);
        _file.Dispose();
    }

    // DllImport rather than LibraryImport: the test project does not allow unsafe code.
    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "dup2")]
    private static extern int Dup2(int fd, int target);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
