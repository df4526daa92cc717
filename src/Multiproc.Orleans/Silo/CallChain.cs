namespace Multiproc.Orleans.Silo;

/// <summary>
/// The shared objects a call passed through on its way here, each with the token of the turn it ran in, carried in
/// Orleans' request context: which objects are waiting for it (<see cref="Contains"/>, <see cref="TokenOf"/>), and
/// which of those block a thread while they wait (<see cref="IsBlocked"/>).
/// </summary>
/// <remarks>
/// <para>A grain runs one turn at a time. A call that comes back to an object up its own chain can only be served if
/// that object awaits; the token tells the object's <see cref="TurnGate"/> which of its turns the call is nested in, so
/// only a call nested in the turn holding the gate passes. If that object blocks a thread in a synchronous proxy call,
/// the call would wait for Orleans' response timeout (30 s by default); knowing the chain lets the caller fail such a
/// call at once with a clear error instead.</para>
/// <para>The chain is a <c>long[]</c> of pairs, <c>[objectId, token, objectId, token, …]</c>, outermost first: Orleans
/// copies it into every call the turn makes, and a plain array needs no serializer of its own.</para>
/// </remarks>
internal static class CallChain
{
    private const string ChainKey = "multiproc.chain";
    private const string BlockedKey = "multiproc.blocked";

    /// <summary>Records that the current call runs on <paramref name="objectId"/> in the turn <paramref name="token"/>.</summary>
    public static void Enter(long objectId, long token)
    {
        long[] chain = RequestContext.Get(ChainKey) as long[] ?? [];
        long[] entered = new long[chain.Length + 2];
        chain.CopyTo(entered, 0);
        entered[^2] = objectId;
        entered[^1] = token;
        RequestContext.Set(ChainKey, entered);
    }

    /// <summary>Records that the object the current call runs on blocks a thread until the next call returns.</summary>
    public static void Block()
    {
        if (Current is { } current)
        {
            long[] blocked = RequestContext.Get(BlockedKey) as long[] ?? [];
            RequestContext.Set(BlockedKey, (long[])[.. blocked, current]);
        }
    }

    /// <summary>Gets the object the current call runs on, or null outside a shared object's call.</summary>
    public static long? Current => RequestContext.Get(ChainKey) is long[] { Length: >= 2 } chain ? chain[^2] : null;

    /// <summary>Returns whether <paramref name="objectId"/> is up the current call's chain (waiting for it).</summary>
    public static bool Contains(long objectId) => TokenOf(objectId) != 0;

    /// <summary>Returns the token of the innermost turn of <paramref name="objectId"/> up the current call's chain, or 0 when it is not there.</summary>
    public static long TokenOf(long objectId)
    {
        if (RequestContext.Get(ChainKey) is long[] chain)
        {
            for (int i = chain.Length - 2; i >= 0; i -= 2)
            {
                if (chain[i] == objectId)
                {
                    return chain[i + 1];
                }
            }
        }

        return 0;
    }

    /// <summary>Returns whether <paramref name="objectId"/> is up the chain and blocks a thread in a synchronous call.</summary>
    public static bool IsBlocked(long objectId) => RequestContext.Get(BlockedKey) is long[] blocked && blocked.Contains(objectId);
}
