namespace Multiproc.Tests.Processes;

/// <summary>Tests that count started processes and so must not run beside other process tests.</summary>
[CollectionDefinition(nameof(SerialProcessTests), DisableParallelization = true)]
public sealed class SerialProcessTests;
