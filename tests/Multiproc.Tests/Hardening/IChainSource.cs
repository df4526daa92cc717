namespace Multiproc.Tests.Hardening;

/// <summary>A registered user type whose results and arguments nest (or loop).</summary>
public interface IChainSource
{
    /// <summary>Gets how many <see cref="DeepAfterCancelAsync"/> calls have started.</summary>
    int Started { get; }

    Chain Cycle();

    object CycleAsObject();

    Chain Deep(int links);

    int Length(Chain chain);

    int Ping();

    /// <summary>Waits until the caller cancels, then returns a chain anyway (its last link holds a new shared object).</summary>
    Task<Chain> DeepAfterCancelAsync(int links, CancellationToken cancellationToken);
}
