namespace Multiproc.Orleans.Silo;

/// <summary>
/// The shared objects a call passed through on its way here, carried in Orleans' request context: which
/// are waiting for it (<see cref="Contains"/>), and which of those block a thread while they wait (<see cref="IsBlocked"/>).
/// </summary>
/// <remarks>
/// A grain runs one turn at a time. A call that comes back to an object up its own chain can only be
/// served if that object awaits (Orleans' call-chain reentrancy lets it in); if that object blocks a
/// thread in a synchronous proxy call, the call would wait for Orleans' response timeout (30 s by
/// default). Knowing the chain lets the caller fail such a call at once with a clear error instead.
/// </remarks>
internal static class CallChain
{
    private const string ChainKey = "multiproc.chain";
    private const string BlockedKey = "multiproc.blocked";

    /// <summary>Records that the current call runs on <paramref name="objectId"/> (in that object's grain turn).</summary>
    public static void Enter(long objectId) => Append(ChainKey, objectId);

    /// <summary>Records that the object the current call runs on blocks a thread until the next call returns.</summary>
    public static void Block()
    {
        if (Current is { } current)
        {
            Append(BlockedKey, current);
        }
    }

    /// <summary>Gets the object the current call runs on, or null outside a shared object's call.</summary>
    public static long? Current => RequestContext.Get(ChainKey) is long[] { Length: > 0 } chain ? chain[^1] : null;

    /// <summary>Returns whether <paramref name="objectId"/> is up the current call's chain (waiting for it).</summary>
    public static bool Contains(long objectId) => RequestContext.Get(ChainKey) is long[] chain && chain.Contains(objectId);

    /// <summary>Returns whether <paramref name="objectId"/> is up the chain and blocks a thread in a synchronous call.</summary>
    public static bool IsBlocked(long objectId) => RequestContext.Get(BlockedKey) is long[] blocked && blocked.Contains(objectId);

    private static void Append(string key, long objectId)
    {
        long[] chain = RequestContext.Get(key) as long[] ?? [];
        RequestContext.Set(key, (long[])[.. chain, objectId]);
    }
}
