using System.Net;
using System.Net.Sockets;
using Multiproc.Proxies;
using Multiproc.Server;
using Multiproc.Transport;

namespace Multiproc.Hosting;

/// <summary>
/// <see cref="ManagerHosting.ChildProcess"/>: the manager's server in a worker process of its own, as
/// Python runs it. The child exits when the owner disposes the manager, or when the owner dies
/// (its worker bootstrap pipe closes).
/// </summary>
internal static class ManagerHost
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Starts the child and connects to it once it listens.</summary>
    /// <exception cref="NotSupportedException">A factory registration cannot be sent to another process.</exception>
    public static async Task<(WorkerProcess Host, ClientConnection Connection, string? OwnedDirectory)> StartAsync(ManagerOptions options, CancellationToken cancellationToken)
    {
        ManagerSettings settings = ManagerSettings.From(options);
        string[][] registrations = [.. settings.Registrations.Select(r => r.Factory is null
            ? new[] { r.TypeId, r.Contract.AssemblyQualifiedName!, r.Implementation!.AssemblyQualifiedName! }
            : throw new NotSupportedException($"'{r.TypeId}' is registered with a factory, which cannot run in a child-process manager; register a class instead."))];
        (string address, string? ownedDirectory) = ChooseAddress(settings.Address);
        byte[] key = settings.AuthKey;
        // Everything travels over the worker's private bootstrap pipe, never the command line.
        WorkerProcess host = WorkerProcess.Start(Serve, address, key, settings.ToLimits(), registrations);
        try
        {
            ClientConnection connection = await ConnectWhenListeningAsync(host, ManagerAddress.Parse(address), key, settings.MaxFrameSize, cancellationToken).ConfigureAwait(false);
            return (host, connection, ownedDirectory);
        }
        catch
        {
            host.Kill();
            await host.DisposeAsync().ConfigureAwait(false);
            DeleteDirectory(ownedDirectory);
            throw;
        }
    }

    /// <summary>Asks the child to shut down, then kills it if it has not exited in time.</summary>
    public static async Task StopAsync(WorkerProcess host, ClientConnection connection, string? ownedDirectory)
    {
        try
        {
            await new ControlChannel(connection).ShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ManagerUnavailableException or ObjectDisposedException)
        {
            // Already gone.
        }

        connection.Dispose();
        if (!host.WaitForExit(s_stopTimeout))
        {
            host.Kill();
        }

        await host.DisposeAsync().ConfigureAwait(false);
        DeleteDirectory(ownedDirectory);
    }

    /// <summary>The child's target: serve until asked to stop (or the owner dies and the worker exits).</summary>
    /// <param name="address">Where to listen.</param>
    /// <param name="authKey">The key.</param>
    /// <param name="limits">The numeric limits, as <see cref="ManagerSettings.ToLimits"/> wrote them.</param>
    /// <param name="registrations">Type id, contract and implementation (assembly-qualified names) per registered type.</param>
    internal static void Serve(string address, byte[] authKey, long[] limits, string[][] registrations)
    {
        var options = new ManagerOptions { Address = address, AuthKey = authKey };
        ManagerSettings.ApplyLimits(options, limits);
        foreach (string[] registration in registrations)
        {
            options.Add(new Registration(registration[0], Type.GetType(registration[1], throwOnError: true)!, Type.GetType(registration[2], throwOnError: true)!, null));
        }

        ManagerServer server = ServerComposition.Start(ManagerSettings.From(options));
        server.ShutdownRequested.GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static (string Address, string? OwnedDirectory) ChooseAddress(string? requested)
    {
        if (requested is null)
        {
            // Named for this (the owner's) pid: if the owner is killed, its child exits and the next
            // manager to start finds a dead pid and a socket nobody listens on, and sweeps it.
            string directory = SocketDirectory.Create();
            return (ManagerAddress.ForUnix(Path.Combine(directory, SocketDirectory.SocketFileName)).Text, directory);
        }

        ManagerAddress parsed = ManagerAddress.Parse(requested);
        if (parsed.IsUnix || parsed.Port != 0)
        {
            return (requested, null);
        }

        // The owner must know the port before the child listens: take a free one now.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.TryParse(parsed.Host, out IPAddress? ip) ? ip : IPAddress.Loopback, 0));
        return (ManagerAddress.ForTcp(parsed.Host!, ((IPEndPoint)probe.LocalEndPoint!).Port).Text, null);
    }

    private static async Task<ClientConnection> ConnectWhenListeningAsync(WorkerProcess host, ManagerAddress address, byte[] key, int maxFrameSize, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);
        while (true)
        {
            try
            {
                return await ClientConnection.ConnectAsync(address, key, ConnectSettings.Default with { MaxFrameSize = maxFrameSize }, timeout.Token).ConfigureAwait(false);
            }
            catch (ManagerUnavailableException) when (!host.HasExited && !timeout.IsCancellationRequested)
            {
                // Not listening yet; polling beats a fixed sleep and the child's exit ends it early.
                await Task.WhenAny(host.Completion, Task.Delay(10, timeout.Token)).ConfigureAwait(false);
            }
            catch (ManagerUnavailableException ex)
            {
                string reason = host.HasExited ? $"it exited with code {host.ExitCode}" : "it did not listen in time";
                throw new ManagerUnavailableException($"The manager process could not be started: {reason}.", ex);
            }
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
