namespace Multiproc.Tests.Hardening;

/// <summary>Tests that measure the process's GC heap: nothing may run beside them.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;
