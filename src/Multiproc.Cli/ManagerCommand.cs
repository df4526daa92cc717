using System.CommandLine;
using System.Security.Authentication;

namespace Multiproc.Cli;

/// <summary>
/// The shape of a command that looks at a running manager (inspect, top): an address argument,
/// a required key file, a connection, and one place that turns a failed connection into a message
/// and exit code 1.
/// </summary>
internal static class ManagerCommand
{
    public delegate Task<int> Body(Manager manager, string address, ParseResult result, CancellationToken cancellationToken);

    public static Command Create(string name, string description, Body body, params Option[] options)
    {
        var address = new Argument<string>("address") { Description = "The manager's address, as serve printed it (unix:/path or tcp://host:port)." };
        var keyFile = new Option<FileInfo>("--key-file") { Description = "The manager's key file.", Required = true };
        var command = new Command(name, description) { address, keyFile };
        foreach (Option option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            string target = result.GetValue(address)!;
            try
            {
                byte[] key = KeyFile.Read(result.GetValue(keyFile)!.FullName);
                await using Manager manager = await Manager.ConnectAsync(target, key, cancellationToken);
                return await body(manager, target, result, cancellationToken);
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or AuthenticationException or ProtocolViolationException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"multiproc {name}: {ex.Message}");
                return 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return 130;
            }
        });
        return command;
    }
}
