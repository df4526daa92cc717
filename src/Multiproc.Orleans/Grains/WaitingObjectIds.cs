namespace Multiproc.Orleans.Grains;

/// <summary>
/// The bit of a 63-bit object id that marks a waiting built-in, chosen when the object is created:
/// a channel routes a call by the id alone, with no lookup.
/// </summary>
/// <remarks>Protocol vocabulary: the client that creates an id and every channel that calls it agree on it.</remarks>
internal static class WaitingObjectIds
{
    /// <summary>The marking bit (bit 62; bit 63 is the sign, never set in an object id).</summary>
    public const long Bit = 1L << 62;

    /// <summary>Returns whether <paramref name="objectId"/> names a waiting built-in (a <see cref="IWaitingObjectGrain"/>).</summary>
    public static bool IsWaiting(long objectId) => objectId > 0 && (objectId & Bit) != 0;

    /// <summary>Sets or clears the bit of a fresh random id (never 0, the control object's).</summary>
    public static long Mark(long randomId, bool waiting)
    {
        long id = waiting ? randomId | Bit : randomId & ~Bit;
        return id == 0 ? 1 : id;
    }
}
