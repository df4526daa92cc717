namespace Multiproc.Tests.Hardening;

/// <summary>The fuzz targets run alone: they measure the process's GC heap and allocations, which parallel tests would blur.</summary>
[CollectionDefinition(nameof(FuzzIsolation), DisableParallelization = true)]
public sealed class FuzzIsolation;
