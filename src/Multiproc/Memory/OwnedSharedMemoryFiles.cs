using System.Collections.Concurrent;

namespace Multiproc.Memory;

/// <summary>The backing files this process created and has not unlinked yet; removed at process exit.</summary>
/// <remarks>
/// Finalizers do not run when a .NET process exits, so this <see cref="AppDomain.ProcessExit"/>
/// hook is what keeps a normal exit (return from Main, <see cref="Environment.Exit(int)"/>,
/// SIGTERM) from leaving files behind when the owner forgot to dispose. A killed process
/// (SIGKILL, a crash) runs no code: the next manager to start sweeps what a dead owner left
/// (<c>Server/LeftoverSweep</c>).
/// </remarks>
internal static class OwnedSharedMemoryFiles
{
    private static readonly ConcurrentDictionary<string, byte> s_paths = new(StringComparer.Ordinal);

    static OwnedSharedMemoryFiles() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    /// <summary>Gets the number of owned files still present.</summary>
    public static int Count => s_paths.Count;

    /// <summary>Records a file this process created.</summary>
    /// <param name="path">The full path of the backing file.</param>
    public static void Add(string path) => s_paths.TryAdd(path, 0);

    /// <summary>Deletes an owned file and forgets it; a file already gone is not an error.</summary>
    /// <param name="path">The full path of the backing file.</param>
    /// <returns><see langword="true"/> if the path was owned and is now released.</returns>
    public static bool Delete(string path)
    {
        if (!s_paths.TryRemove(path, out _))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Deletes every owned file that is left; never throws.</summary>
    /// <returns>The number of files released.</returns>
    public static int DeleteAll()
    {
        int count = 0;
        foreach (string path in s_paths.Keys)
        {
            try
            {
                if (Delete(path))
                {
                    count++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Process exit must not fail over a file that cannot be removed.
            }
        }

        return count;
    }
}
