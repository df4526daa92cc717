namespace Multiproc.Server;

/// <summary>
/// The references a reply being written gives its receiver, held back until the reply is complete:
/// the session adopts them only then, and a reply that fails to write (over the frame limit, a value
/// that cannot be encoded) releases them at once instead of leaving them owned by a client that
/// never heard of them.
/// </summary>
/// <remarks>
/// One collection per thread: a reply is written synchronously on one thread, and the codec it
/// goes through is shared by all of a session's replies. Writing outside a collection (no reply
/// being written) adopts at once.
/// </remarks>
internal static class ReplyReferences
{
    [ThreadStatic]
    private static List<ObjectEntry>? s_collecting;

    /// <summary>Starts collecting the references written on this thread.</summary>
    public static void Begin() => s_collecting = [];

    /// <summary>Adopts <paramref name="entry"/> into <paramref name="session"/>: now, or when the reply being written completes.</summary>
    public static void Adopt(ServerSession session, ObjectEntry entry)
    {
        if (s_collecting is { } collecting)
        {
            collecting.Add(entry);
        }
        else
        {
            session.AdoptReference(entry);
        }
    }

    /// <summary>The reply is complete: the session adopts what it was given.</summary>
    public static void Commit(ServerSession session)
    {
        List<ObjectEntry>? collected = s_collecting;
        s_collecting = null;
        foreach (ObjectEntry entry in collected ?? [])
        {
            session.AdoptReference(entry);
        }
    }

    /// <summary>The reply failed: the references it would have given are released.</summary>
    public static void Abandon()
    {
        List<ObjectEntry>? collected = s_collecting;
        s_collecting = null;
        foreach (ObjectEntry entry in collected ?? [])
        {
            entry.Table.Release(entry);
        }
    }
}
