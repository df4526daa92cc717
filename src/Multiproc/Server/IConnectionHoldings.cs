namespace Multiproc.Server;

/// <summary>A built-in primitive that a connection can hold (a lock, semaphore permits), for inspection.</summary>
internal interface IConnectionHoldings
{
    /// <summary>Gets whether this is a lock (held once) or a semaphore (held in permits).</summary>
    bool IsLock { get; }

    /// <summary>Gets how many holds <paramref name="connectionId"/> has on it: 0 or 1 for a lock, permits for a semaphore.</summary>
    int HeldBy(long connectionId);
}
