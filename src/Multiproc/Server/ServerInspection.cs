using System.Diagnostics;

namespace Multiproc.Server;

/// <summary>Builds a <see cref="ManagerInspection"/> of a host: the <c>inspect</c> control call (docs/cli.md).</summary>
internal static class ServerInspection
{
    private const int BusiestObjectCount = 50;

    public static ManagerInspection Build(ObjectHost host)
    {
        ObjectEntry[] objects = host.Table.Snapshot();
        IConnectionHoldings[] holdings = [.. objects.Select(entry => entry.Instance).OfType<IConnectionHoldings>()];
        InspectedConnection[] connections = [.. host.Sessions.Select(session => new InspectedConnection(
            session.Id,
            session.PeerProcessId,
            session.Endpoint,
            session.OwnedReferences,
            session.CallsInFlight,
            holdings.Where(h => h.IsLock).Sum(h => h.HeldBy(session.Id)),
            holdings.Where(h => !h.IsLock).Sum(h => h.HeldBy(session.Id))))];
        InspectedName[] names = [.. host.Table.PublishedNames()
            .Select(pair => new InspectedName(pair.Name, pair.Entry.Binding.TypeId, pair.Entry.Id))
            .OrderBy(name => name.Name, StringComparer.Ordinal)];
        InspectedMember[] members = [.. host.MemberCounts()
            .Where(member => member.Calls > 0)
            .OrderBy(member => member.TypeId, StringComparer.Ordinal)
            .ThenBy(member => member.Member, StringComparer.Ordinal)];
        InspectedObject[] busiest = [.. objects
            .Where(entry => entry.Calls > 0)
            .OrderByDescending(entry => entry.Calls)
            .Take(BusiestObjectCount)
            .Select(entry => new InspectedObject(entry.Id, entry.Binding.TypeId, entry.Calls))];
        long[] counts = host.Latency.Snapshot();
        LatencyBucket[] latency = [.. counts.Select((count, i) => new LatencyBucket(
            i < LatencyHistogram.UpperBoundsMicroseconds.Length ? LatencyHistogram.UpperBoundsMicroseconds[i] : null, count))];
        using var process = Process.GetCurrentProcess();
        DateTimeOffset now = host.Settings.TimeProvider.GetUtcNow();
        return new ManagerInspection(
            host.StartedAt,
            now - host.StartedAt,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            objects.GroupBy(entry => entry.Binding.TypeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            names,
            connections,
            members,
            busiest,
            latency);
    }
}
