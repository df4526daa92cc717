namespace Multiproc.Tests.Hardening;

/// <summary>
/// Attack tests whose assertions include a latency bound the issue asks for (a connect + call under
/// attack within 1 s): they run alone, so other test classes do not share the 2 cores meanwhile.
/// </summary>
[CollectionDefinition(nameof(TimedAttack), DisableParallelization = true)]
public sealed class TimedAttack;
