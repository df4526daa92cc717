namespace Multiproc.Soak;

/// <summary>Measures the live GC heap.</summary>
internal static class ChaosHeap
{
    /// <summary>The heap minus its free space after a full compacting collection.</summary>
    /// <remarks>Not GC.GetTotalMemory: under the regions GC it can under-report, even go negative (dotnet/runtime#106712).</remarks>
    public static long AfterFullCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }
}
