using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>Whether a process id belongs to a running process.</summary>
internal static class ProcessLiveness
{
    /// <summary>Returns <see langword="true"/> if a process with <paramref name="pid"/> exists (a reused pid counts: leftovers are then kept, never wrongly removed).</summary>
    public static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
