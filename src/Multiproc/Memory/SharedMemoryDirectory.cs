namespace Multiproc.Memory;

/// <summary>Chooses the directory that holds the files backing shared memory blocks.</summary>
/// <remarks>
/// <c>/dev/shm</c> (a RAM-backed tmpfs) when it exists and is writable; otherwise a private
/// directory <c>multiproc-shm-&lt;user&gt;</c> under the temp path with mode 0700. The choice is
/// deterministic, so every process of the same user on the machine finds the same directory.
/// </remarks>
internal static class SharedMemoryDirectory
{
    private const string DevShm = "/dev/shm";

    private const UnixFileMode PrivateDirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly Lazy<string> s_path = new(() => Resolve(DevShm, System.IO.Path.GetTempPath()));

    /// <summary>Gets the directory for this process, resolved once.</summary>
    public static string Path => s_path.Value;

    /// <summary>Returns <paramref name="shmRoot"/> if it is a writable directory, else the private fallback under <paramref name="tempRoot"/>.</summary>
    /// <param name="shmRoot">The preferred RAM-backed directory.</param>
    /// <param name="tempRoot">The parent of the fallback directory.</param>
    /// <exception cref="UnauthorizedAccessException">The fallback directory exists but is not private (mode 0700, not a link).</exception>
    public static string Resolve(string shmRoot, string tempRoot)
    {
        if (IsWritableDirectory(shmRoot))
        {
            return shmRoot;
        }

        string fallback = System.IO.Path.Combine(tempRoot, "multiproc-shm-" + Environment.UserName);
        if (OperatingSystem.IsWindows())
        {
            // The per-user temp directory already carries a private ACL on Windows.
            Directory.CreateDirectory(fallback);
            return fallback;
        }

        DirectoryInfo directory = Directory.CreateDirectory(fallback, PrivateDirectoryMode);
        // CreateDirectory returns an existing directory as is: someone else may have made it.
        if (directory.LinkTarget is not null || File.GetUnixFileMode(fallback) != PrivateDirectoryMode)
        {
            throw new UnauthorizedAccessException(
                $"The shared memory directory '{fallback}' must be a real directory with mode 0700.");
        }

        return fallback;
    }

    private static bool IsWritableDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return false;
        }

        try
        {
            string probe = System.IO.Path.Combine(path, SharedMemoryName.CreateRandom() + ".probe");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
