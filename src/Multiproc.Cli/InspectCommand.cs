using System.CommandLine;

namespace Multiproc.Cli;

/// <summary><c>multiproc inspect ADDRESS --key-file F [--json]</c>: one look at a running manager.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (field names in docs/cli.md) instead of text." };
        return ManagerCommand.Create(
            "inspect",
            "Print a manager's objects, names, connections, calls per member, busiest objects, latency, uptime and memory.",
            async (manager, address, result, cancellationToken) =>
            {
                ManagerInspection inspection = await manager.InspectAsync(cancellationToken);
                Console.Write(result.GetValue(json) ? InspectionJson.Write(inspection) + Environment.NewLine : InspectionText.Write(address, inspection));
                return 0;
            },
            json);
    }
}
