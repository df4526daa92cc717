
namespace Multiproc.Tests.Fixtures;

public interface ICounter
{
    int Value { get; }

    /// <summary>A deliberately racy read-modify-write: correct only if calls never overlap.</summary>
    int IncrementSlowly();

    /// <summary>Waits until <paramref name="parties"/> calls are inside at once (deadlocks unless calls overlap).</summary>
    bool Rendezvous(int parties, int timeoutMilliseconds);
}
