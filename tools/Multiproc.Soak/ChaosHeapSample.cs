namespace Multiproc.Soak;

/// <summary>The manager process's GC heap (after a full collection), thread count and working set at one moment.</summary>
internal sealed record ChaosHeapSample(DateTime At, long Heap, int Threads, long WorkingSet);
