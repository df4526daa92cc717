
namespace Multiproc.Soak;

/// <summary>
/// A receipt window: a worker killed while a take (or pop) of up to <paramref name="Slots"/> items was in progress,
/// from <paramref name="From"/> to the kill at <paramref name="Until"/>. Items handed to it then may be gone unrecorded.
/// </summary>
internal sealed record ChaosWindow(long Worker, long From, long Until, int Slots);
