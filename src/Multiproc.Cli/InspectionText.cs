using System.Globalization;
using System.Text;

namespace Multiproc.Cli;

/// <summary><c>multiproc inspect</c> without <c>--json</c>: the same facts as aligned text, for a person.</summary>
internal static class InspectionText
{
    public static string Write(string address, ManagerInspection inspection)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"manager {address}");
        text.AppendLine(invariant, $"  up {inspection.Uptime:d\\.hh\\:mm\\:ss} since {inspection.StartedAt:u}; working set {inspection.WorkingSetBytes / 1048576.0:F1} MiB, managed heap {inspection.ManagedHeapBytes / 1048576.0:F1} MiB");
        text.AppendLine();
        text.AppendLine(invariant, $"objects ({inspection.ObjectsByType.Values.Sum()})");
        foreach ((string typeId, int count) in inspection.ObjectsByType.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.AppendLine(invariant, $"  {count,8}  {typeId}");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"published names ({inspection.Names.Count})");
        foreach (InspectedName name in inspection.Names)
        {
            text.AppendLine(invariant, $"  {name.Name}  ->  {name.TypeId} #{name.ObjectId}");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"connections ({inspection.Connections.Count})");
        text.AppendLine("        id      pid  endpoint               refs  in flight  locks  permits");
        foreach (InspectedConnection connection in inspection.Connections.OrderBy(c => c.Id))
        {
            string pid = connection.ProcessId?.ToString(invariant) ?? "-";
            text.AppendLine(invariant, $"  {connection.Id,8} {pid,8}  {connection.Endpoint,-21} {connection.ReferencesOwned,5} {connection.CallsInFlight,10} {connection.LocksHeld,6} {connection.PermitsHeld,8}");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"calls by member ({inspection.Members.Sum(m => m.Calls)} calls, {inspection.Members.Sum(m => m.Errors)} errors)");
        foreach (InspectedMember member in inspection.Members.OrderByDescending(m => m.Calls))
        {
            text.AppendLine(invariant, $"  {member.Calls,10} {member.Errors,8} errors  {member.TypeId}.{member.Member}");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"busiest objects (calls since created)");
        foreach (InspectedObject busy in inspection.BusiestObjects.Take(10))
        {
            text.AppendLine(invariant, $"  {busy.Calls,10}  #{busy.ObjectId} {busy.TypeId}");
        }

        return text.ToString();
    }
}
