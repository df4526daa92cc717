using System.CommandLine;
using System.Reflection;

namespace Multiproc.Cli;

/// <summary><c>multiproc serve</c>: a standalone manager, serving the shared types of the assemblies it is given.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var address = new Option<string?>("--address")
        {
            Description = "Where to listen: unix:/path, or tcp://host:port (port 0 picks one). Default: a Unix socket in a new private directory.",
        };
        var keyFile = new Option<FileInfo?>("--key-file")
        {
            Description = "The key clients must prove (see keygen). Default: a new key, written to a private file whose path is printed.",
        };
        var register = new Option<FileInfo[]>("--register")
        {
            Description = "An assembly whose classes marked [SharedType(typeof(IContract))] are served; repeat for several.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("serve", "Run a manager until SIGINT or SIGTERM; print its address and key file.") { address, keyFile, register };
        command.SetAction((result, cancellationToken) => ServeAsync(
            result.GetValue(address), result.GetValue(keyFile), result.GetValue(register) ?? [], cancellationToken));
        return command;
    }

    private static async Task<int> ServeAsync(string? address, FileInfo? keyFile, FileInfo[] assemblies, CancellationToken stopping)
    {
        var options = new ManagerOptions { Address = address };
        string? generatedKeyDirectory = null;
        string keyPath;
        var typeIds = new List<string>();
        try
        {
            foreach (FileInfo assembly in assemblies)
            {
                Assembly loaded = Assembly.LoadFrom(assembly.FullName);
                options.RegisterSharedTypes(loaded);
                typeIds.AddRange(loaded.GetExportedTypes()
                    .SelectMany(type => type.GetCustomAttributes<SharedTypeAttribute>(inherit: false))
                    .Select(shared => shared.Id ?? shared.Contract.FullName!));
            }

            if (keyFile is not null)
            {
                keyPath = keyFile.FullName;
            }
            else
            {
                generatedKeyDirectory = Directory.CreateTempSubdirectory("multiproc-key-").FullName;
                keyPath = Path.Combine(generatedKeyDirectory, "key");
                KeyFile.Write(keyPath);
            }

            options.AuthKey = KeyFile.Read(keyPath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or BadImageFormatException or ReflectionTypeLoadException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"multiproc serve: {ex.Message}").ConfigureAwait(false);
            DeleteDirectory(generatedKeyDirectory);
            return 2;
        }

        try
        {
            await using Manager manager = await Manager.StartAsync(options, stopping).ConfigureAwait(false);
            Console.WriteLine($"address: {manager.Address}");
            Console.WriteLine($"key file: {keyPath}");
            Console.WriteLine($"shared types: {string.Join(", ", typeIds)}");
            Console.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGINT or SIGTERM: stop, which closes every client's connection and removes the socket directory.
            }

            return 0;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"multiproc serve: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            DeleteDirectory(generatedKeyDirectory);
        }
    }

    private static void DeleteDirectory(string? directory)
    {
        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
