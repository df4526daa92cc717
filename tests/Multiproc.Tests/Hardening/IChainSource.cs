namespace Multiproc.Tests.Hardening;

/// <summary>A registered user type whose results and arguments nest (or loop).</summary>
public interface IChainSource
{
    Chain Cycle();

    object CycleAsObject();

    Chain Deep(int links);

    int Length(Chain chain);

    int Ping();

    /// <summary>Waits until the caller cancels, then returns a chain anyway (its last link holds a new shared object).</summary>
    /// <remarks>The object's gate holds later calls until this reply has been sent.</remarks>
    Task<Chain> DeepAfterCancelAsync(int links, CancellationToken cancellationToken);
}
