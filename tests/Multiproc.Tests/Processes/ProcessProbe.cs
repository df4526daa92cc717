using System.Runtime.InteropServices;

namespace Multiproc.Tests.Processes;

/// <summary>Observes processes by id, including ones this process did not start (grandchildren).</summary>
/// <remarks>Linux only: waits on a pidfd (no polling loops, no sleeps); a zombie counts as exited.</remarks>
internal static class ProcessProbe
{
    private const long PidfdOpenSyscall = 434;
    private const short PollIn = 1;

    /// <summary>Whether a process with <paramref name="pid"/> exists and has not exited.</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until the process exits; throws <see cref="OperationCanceledException"/> when the token fires first.</summary>
    public static Task WaitForExitAsync(int pid, CancellationToken cancellationToken)
        => Task.Run(
            () =>
            {
                int fd = (int)Syscall(PidfdOpenSyscall, pid, 0);
                if (fd < 0)
                {
                    return;
                }

                try
                {
                    var poll = new PollFd { Fd = fd, Events = PollIn };
                    while (Poll(ref poll, 1, 100) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                }
                finally
                {
                    _ = Close(fd);
                }
            },
            cancellationToken);

    /// <summary>Asserts that none of <paramref name="pids"/> is still running.</summary>
    public static void AssertAllGone(IEnumerable<int> pids)
    {
        int[] running = pids.Where(IsRunning).ToArray();
        Assert.True(running.Length == 0, $"Processes still running: {string.Join(", ", running)}");
    }

    // DllImport rather than LibraryImport: the test project does not allow unsafe code.
    [DllImport("libc", EntryPoint = "syscall")]
    private static extern long Syscall(long number, int pid, uint flags);

    [DllImport("libc", EntryPoint = "poll")]
    private static extern int Poll(ref PollFd fds, ulong count, int timeoutMilliseconds);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
