namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>What <see cref="RecoveryProbe.FirstAnswerAsync{T}"/> saw.</summary>
/// <param name="AnsweredAfter">When the object first answered, measured from the silo's death, with its state or with <paramref name="Lost"/>; null if it never did.</param>
/// <param name="Lost">The error of an object that is gone (<see cref="KeyNotFoundException"/>: volatile state lost with its silo).</param>
/// <param name="FailedCalls">Calls that were rejected or timed out before the outcome.</param>
public readonly record struct ProbeOutcome(TimeSpan? AnsweredAfter, string? Lost, int FailedCalls);
