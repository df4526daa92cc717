namespace Multiproc.Orleans.Silo;

/// <summary>
/// The client session a call comes from, carried in Orleans' request context: what a waiting
/// built-in owns locks and permits by (a manager owns them by connection).
/// </summary>
/// <remarks>One session per call channel (<see cref="Client.OrleansCallChannel"/>); it flows on into the calls a grain makes for it.</remarks>
internal static class SessionContext
{
    private const string SessionKey = "multiproc.session";

    /// <summary>Gets the calling session, or 0 when the call carries none.</summary>
    public static long Current => RequestContext.Get(SessionKey) is long session ? session : 0;

    /// <summary>Makes the calls started from here on (in this async flow) carry <paramref name="session"/>.</summary>
    public static void Set(long session) => RequestContext.Set(SessionKey, session);
}
