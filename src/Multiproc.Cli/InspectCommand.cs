using System.CommandLine;
using System.Security.Authentication;

namespace Multiproc.Cli;

/// <summary><c>multiproc inspect ADDRESS --key-file F [--json]</c>: one look at a running manager.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "The manager's address, as serve printed it (unix:/path or tcp://host:port)." };
        var keyFile = new Option<FileInfo>("--key-file") { Description = "The manager's key file.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON (field names in docs/cli.md) instead of text." };
        var command = new Command("inspect", "Print a manager's objects, names, connections, calls per member, uptime and memory.") { address, keyFile, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            string target = result.GetValue(address)!;
            try
            {
                byte[] key = KeyFile.Read(result.GetValue(keyFile)!.FullName);
                await using Manager manager = await Manager.ConnectAsync(target, key, cancellationToken);
                ManagerInspection inspection = await manager.InspectAsync(cancellationToken);
                Console.Write(result.GetValue(json) ? InspectionJson.Write(inspection) + Environment.NewLine : InspectionText.Write(target, inspection));
                return 0;
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or AuthenticationException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"multiproc inspect: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
