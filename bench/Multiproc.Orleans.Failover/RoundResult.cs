namespace Multiproc.Orleans.Failover;

/// <summary>One measured failover.</summary>
/// <param name="Recommended">Whether the silos ran <see cref="FailoverSettings"/>' recommended settings.</param>
/// <param name="MaxProbeTimeout">A <see cref="FailoverSettings.MaxProbeTimeout"/> other than the recommended one, if any.</param>
/// <param name="Fault">What happened to the victim silo.</param>
/// <param name="Victims">Objects that lived on the victim silo.</param>
/// <param name="FirstAnswer">When the first victim object answered again (with its state, or saying it is lost), from the fault.</param>
/// <param name="AllAnswered">When the last victim object answered again; null if one never did within the limit.</param>
/// <param name="Lost">Victim objects that answered <see cref="KeyNotFoundException"/> (volatile state lost).</param>
/// <param name="Intact">Victim objects that came back with exactly their acknowledged state and reference.</param>
/// <param name="FailedCalls">Victim calls rejected or timed out before they answered.</param>
internal sealed record RoundResult(bool Recommended, TimeSpan? MaxProbeTimeout, Fault Fault, int Victims, TimeSpan? FirstAnswer, TimeSpan? AllAnswered, int Lost, int Intact, int FailedCalls);
