using System.Runtime.InteropServices;

namespace Multiproc.Bench;

/// <summary>CPU time (user + system) used by this process's ended and waited-for children: getrusage(RUSAGE_CHILDREN).</summary>
/// <remarks>The same figure Python's resource module reads, so a worker's cost compares without the wall clock's noise.</remarks>
internal static partial class ChildProcessCpu
{
    private const int Children = -1;

    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        // struct rusage begins with two struct timevals: ru_utime, ru_stime (64-bit seconds, microseconds).
        Span<long> usage = stackalloc long[18];
        if (GetResourceUsage(Children, ref MemoryMarshal.GetReference(usage)) != 0)
        {
            return double.NaN;
        }

        return (usage[0] * 1000.0) + (usage[1] / 1000.0) + (usage[2] * 1000.0) + (usage[3] / 1000.0);
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, ref long usage);
}
