using Multiproc.Protocol.BuiltIns;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Orleans.Silo;

/// <summary>Which of Multiproc's built-in shared objects a cluster serves, and which grain serves them.</summary>
/// <remarks>
/// The collections that never wait (list, dictionary, value, namespace) live in a
/// <see cref="Grains.SharedObjectGrain"/>. Queue, lock, semaphore, event, condition and barrier wait:
/// they live in a <see cref="Grains.WaitingObjectGrain"/>, which is reentrant, owns holdings by
/// session and ends them by lease (docs/cluster.md). Shared arrays live in one host's memory and never travel.
/// </remarks>
internal static class BuiltInTypeIds
{
    private static readonly HashSet<string> s_served = new(StringComparer.Ordinal)
    {
        BuiltInTypes.List,
        BuiltInTypes.Dictionary,
        BuiltInTypes.Value,
        BuiltInTypes.Namespace,
    };

    private static readonly HashSet<string> s_waiting = new(StringComparer.Ordinal)
    {
        BuiltInTypes.Queue,
        BuiltInTypes.Lock,
        BuiltInTypes.Semaphore,
        BuiltInTypes.Event,
        BuiltInTypes.Condition,
        BuiltInTypes.Barrier,
    };

    /// <summary>Gets the registrations of the built-ins a <see cref="Grains.SharedObjectGrain"/> serves.</summary>
    public static IEnumerable<Registration> Served => BuiltInRegistrations.All.Where(r => s_served.Contains(r.TypeId));

    /// <summary>Gets the registrations of the waiting built-ins a <see cref="Grains.WaitingObjectGrain"/> serves.</summary>
    public static IEnumerable<Registration> Waiting => BuiltInRegistrations.All.Where(r => s_waiting.Contains(r.TypeId));

    /// <summary>Returns whether <paramref name="typeId"/> names one of Multiproc's built-ins (served or not).</summary>
    public static bool IsBuiltIn(string typeId) => BuiltInRegistrations.All.Any(r => r.TypeId == typeId);

    /// <summary>Returns whether <paramref name="typeId"/> names a waiting built-in (queue, lock, semaphore, event, condition, barrier).</summary>
    public static bool IsWaiting(string typeId) => s_waiting.Contains(typeId);
}
