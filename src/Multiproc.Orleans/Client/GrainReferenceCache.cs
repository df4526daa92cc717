namespace Multiproc.Orleans.Client;

/// <summary>
/// The grain references a channel called last, by object id: Orleans' <c>GetGrain&lt;T&gt;(long)</c> resolves the grain
/// interface from its attributes on every call (reflection), which cost a client more than the rest of its call.
/// </summary>
/// <remarks>
/// <para>Direct-mapped and fixed in size, so a client that touches millions of objects keeps only the last reference
/// per slot: a miss costs one <c>GetGrain</c>, as before. A reference is immutable and valid as long as its id is.</para>
/// <para>Thread-safe: a slot holds one immutable entry, replaced whole; racing callers at worst both miss.</para>
/// </remarks>
/// <typeparam name="TGrain">The grain interface the ids are called through.</typeparam>
/// <param name="grains">The client's or the silo's grain factory.</param>
internal sealed class GrainReferenceCache<TGrain>(IGrainFactory grains)
    where TGrain : IGrainWithIntegerKey
{
    // A power of two: the slot is the id's low bits (ids are random, so they spread evenly).
    private const int Slots = 1024;

    private readonly Entry?[] _slots = new Entry?[Slots];

    /// <summary>Returns the reference to the grain of <paramref name="objectId"/>.</summary>
    public TGrain Get(long objectId)
    {
        ref Entry? slot = ref _slots[(int)(objectId & (Slots - 1))];
        Entry? entry = Volatile.Read(ref slot);
        if (entry is null || entry.ObjectId != objectId)
        {
            entry = new Entry(objectId, grains.GetGrain<TGrain>(objectId));
            Volatile.Write(ref slot, entry);
        }

        return entry.Grain;
    }

    private sealed record Entry(long ObjectId, TGrain Grain);
}
