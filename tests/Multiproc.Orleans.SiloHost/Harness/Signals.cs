using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>Sends POSIX signals the <see cref="System.Diagnostics.Process"/> API has no verb for (SIGSTOP, SIGCONT).</summary>
public static partial class Signals
{
    /// <summary>Freezes a process: it keeps its sockets open but runs nothing (a hung machine, as the failover tool measures it).</summary>
    public const int Stop = 19;

    /// <summary>Resumes a frozen process.</summary>
    public const int Continue = 18;

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="processId"/>.</summary>
    /// <exception cref="Win32Exception">The process does not exist or may not be signalled.</exception>
    public static void Send(int processId, int signal)
    {
        if (SendSignal(processId, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, {signal}) failed.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int sig);
}
