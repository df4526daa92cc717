using System.Net.Sockets;
using Multiproc.Memory;
using Multiproc.Transport;

namespace Multiproc.Server;

/// <summary>
/// Removes what killed managers left behind: their socket directories (<c>mp-&lt;pid&gt;-*</c> in the
/// temp directory) and the shared memory blocks whose creating process is gone.
/// </summary>
/// <remarks>
/// <para>
/// A normal shutdown removes both; a manager killed with SIGKILL runs no code, so the next manager
/// that starts on the machine sweeps (once per process, on a short-lived thread of its own, best effort).
/// </para>
/// <para>
/// A directory is a leftover only when its recorded pid no longer exists <em>and</em> its socket
/// refuses connections (or is missing): a manager of another pid namespace sharing the temp
/// directory still answers, so it is kept. A block is a leftover when its creator's pid no longer
/// exists and no live manager directory records that pid. Only names Multiproc generates are
/// considered (other programs' <c>mp-*</c> entries never match), only entries of the current user
/// are removed, and symbolic links are never followed.
/// </para>
/// </remarks>
internal static class LeftoverSweep
{
    private static int s_started;

    /// <summary>Sweeps the temp and shared memory directories on a thread of its own, the first time it is called in a process.</summary>
    public static void StartOnce()
    {
        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            return;
        }

        try
        {
            new Thread(SweepDefaultLocations) { IsBackground = true, Name = "multiproc-sweep" }.Start();
        }
        catch (OutOfMemoryException)
        {
            // No thread to spare: the sweep is best effort and the manager must start anyway.
        }
    }

    /// <summary>Sweeps the given directories now.</summary>
    /// <param name="tempRoot">Where managers' socket directories live.</param>
    /// <param name="sharedMemoryRoot">Where shared memory blocks live, or <see langword="null"/> to skip them.</param>
    /// <returns>How many socket directories and blocks were removed.</returns>
    public static (int Directories, int Blocks) Run(string tempRoot, string? sharedMemoryRoot)
    {
        var answering = new HashSet<int>();
        int directories = 0;
        foreach (string directory in Enumerate(tempRoot, directories: true))
        {
            if (!SocketDirectory.TryParseOwner(Path.GetFileName(directory), out int pid)
                || !FileOwner.IsCurrentUser(directory)
                || ProcessLiveness.IsRunning(pid))
            {
                continue;
            }

            if (Answers(Path.Combine(directory, SocketDirectory.SocketFileName)))
            {
                answering.Add(pid);
                continue;
            }

            if (TryDelete(() => Directory.Delete(directory, recursive: true)))
            {
                directories++;
            }
        }

        int blocks = 0;
        foreach (string file in sharedMemoryRoot is null ? [] : Enumerate(sharedMemoryRoot, directories: false))
        {
            if (SharedMemoryName.TryParseCreator(Path.GetFileName(file), out int pid)
                && !answering.Contains(pid)
                && FileOwner.IsCurrentUser(file)
                && !ProcessLiveness.IsRunning(pid)
                && TryDelete(() => File.Delete(file)))
            {
                blocks++;
            }
        }

        return (directories, blocks);
    }

    private static void SweepDefaultLocations()
    {
        try
        {
            Run(Path.GetTempPath(), SharedMemoryDirectory.Path);
        }
#pragma warning disable CA1031 // Best effort on a background thread: nothing here may take the process down.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static List<string> Enumerate(string root, bool directories)
    {
        try
        {
            IEnumerable<string> entries = directories
                ? Directory.EnumerateDirectories(root, "mp-*")
                : Directory.EnumerateFiles(root, "mp-*");
            // Links are never followed or removed: only real entries this user made.
            return [.. entries.Where(path => new FileInfo(path).LinkTarget is null)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Whether something listens on the socket; a full backlog or a denied connect counts as yes.</summary>
    private static bool Answers(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            // Non-blocking: a live manager whose backlog is full must not hold the sweep (this throwaway
            // socket is never used for anything else).
            probe.Blocking = false;
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode is not (SocketError.ConnectionRefused or SocketError.AddressNotAvailable);
        }
    }

    private static bool TryDelete(Action delete)
    {
        try
        {
            delete();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process may be sweeping the same leftovers.
            return false;
        }
    }
}
