using Multiproc.Protocol.BuiltIns;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Orleans.Silo;

/// <summary>Which of Multiproc's built-in shared objects a cluster serves in this slice.</summary>
/// <remarks>
/// The collections that never wait: list, dictionary, value and namespace. Queue, lock, semaphore,
/// event, condition and barrier wait, and a grain cannot tell that a waiter's process died, so they
/// need leases first (docs/cluster.md); shared arrays live in one host's memory and never travel.
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

    /// <summary>Gets the registrations of the built-ins a cluster serves.</summary>
    public static IEnumerable<Registration> Served => BuiltInRegistrations.All.Where(r => s_served.Contains(r.TypeId));

    /// <summary>Returns whether <paramref name="typeId"/> names one of Multiproc's built-ins (served or not).</summary>
    public static bool IsBuiltIn(string typeId) => BuiltInRegistrations.All.Any(r => r.TypeId == typeId);
}
