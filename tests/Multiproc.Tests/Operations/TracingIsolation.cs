namespace Multiproc.Tests.Operations;

/// <summary>
/// Tests that attach an <see cref="System.Diagnostics.ActivityListener"/>: listeners are process-wide,
/// and one would turn every other test's calls into traced ones, so these run alone.
/// </summary>
[CollectionDefinition(nameof(TracingIsolation), DisableParallelization = true)]
public sealed class TracingIsolation;
