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
            Description = "Where to listen: unix:/path, tcp://host:port or tls://host:port (port 0 picks one). Default: a Unix socket in a new private directory.",
        };
        var certificate = new Option<FileInfo?>("--certificate")
        {
            Description = "The server certificate of a tls:// address: PKCS#12 (.pfx/.p12; its password, if any, in MULTIPROC_CERTIFICATE_PASSWORD) or PEM with its key (or the key in --certificate-key).",
        };
        var certificateKey = new Option<FileInfo?>("--certificate-key")
        {
            Description = "The PEM private key of a PEM --certificate, when it is in a file of its own.",
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
        var command = new Command("serve", "Run a manager until SIGINT or SIGTERM; print its address and key file.") { address, keyFile, register, certificate, certificateKey };
        command.SetAction((result, cancellationToken) => ServeAsync(
            result.GetValue(address), result.GetValue(keyFile), result.GetValue(register) ?? [], result.GetValue(certificate), result.GetValue(certificateKey), cancellationToken));
        return command;
    }

    private static async Task<int> ServeAsync(string? address, FileInfo? keyFile, FileInfo[] assemblies, FileInfo? certificate, FileInfo? certificateKey, CancellationToken stopping)
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
            if (certificate is not null)
            {
                options.ServerCertificate = CertificateFile.Load(certificate, certificateKey);
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or BadImageFormatException or ReflectionTypeLoadException
            or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
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
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
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
