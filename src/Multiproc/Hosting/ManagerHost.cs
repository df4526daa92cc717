using System.Net;
using System.Net.Sockets;
using Multiproc.Proxies;
using Multiproc.Server;
using Multiproc.Transport;

namespace Multiproc.Hosting;

/// <summary>
/// The parts of a <see cref="ManagerHosting.ChildProcess"/> manager beneath the facade: the plan the
/// child starts with, the child's own target (<see cref="Serve"/>), and how the owner connects to it
/// and asks it to stop. The facade launches the process itself.
/// </summary>
internal static class ManagerHost
{
    /// <summary>Gets how long the child may take to start listening.</summary>
    public static TimeSpan StartTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long the child may take to exit once asked to shut down, before it is killed.</summary>
    public static TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Takes the settings snapshot, picks the address and encodes the registrations the child will serve.</summary>
    /// <exception cref="NotSupportedException">A factory registration cannot be sent to another process.</exception>
    public static HostPlan Plan(ManagerOptions options)
    {
        ManagerSettings settings = ManagerSettings.From(options);
        string[] registrations = [.. settings.Registrations.SelectMany(r => r.Factory is null
            ? new[] { r.TypeId, r.Contract.AssemblyQualifiedName!, r.Implementation!.AssemblyQualifiedName! }
            : throw new NotSupportedException($"'{r.TypeId}' is registered with a factory, which cannot run in a child-process manager; register a class instead."))];
        (string address, string? ownedDirectory) = ChooseAddress(settings.Address);
        return new HostPlan(settings, address, ownedDirectory, registrations);
    }

    /// <summary>Asks the child to shut down over its connection (nothing happens if it is already gone), then closes the connection.</summary>
    public static async Task RequestShutdownAsync(ICallChannel connection)
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
    }

    /// <summary>The child's target: serve until asked to stop (or the owner dies and the worker exits).</summary>
    /// <param name="address">Where to listen.</param>
    /// <param name="authKey">The key.</param>
    /// <param name="limits">The numeric limits, as <see cref="ManagerSettings.ToLimits"/> wrote them.</param>
    /// <param name="registrations">
    /// Type id, contract and implementation (assembly-qualified names) of each registered type, one
    /// after another. Flat, and of types MessagePack's built-in formatters write: a jagged array would
    /// wake the dynamic resolvers (Reflection.Emit), tens of milliseconds of the child's start.
    /// </param>
    internal static void Serve(string address, byte[] authKey, long[] limits, string[] registrations)
    {
        var options = new ManagerOptions { Address = address, AuthKey = authKey };
        ManagerSettings.ApplyLimits(options, limits);
        for (int i = 0; i + 2 < registrations.Length; i += 3)
        {
            options.Add(new Registration(registrations[i], Type.GetType(registrations[i + 1], throwOnError: true)!, Type.GetType(registrations[i + 2], throwOnError: true)!, null));
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

    /// <summary>Connects once the child listens; fails early when it exits first.</summary>
    /// <param name="plan">What the child was started with.</param>
    /// <param name="exited">Completes when the child exits.</param>
    /// <param name="exitCode">Reads the child's exit code once it has exited.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="ManagerUnavailableException">The child exited, or did not listen within <see cref="StartTimeout"/>.</exception>
    public static async Task<ClientConnection> ConnectWhenListeningAsync(HostPlan plan, Task exited, Func<int> exitCode, CancellationToken cancellationToken)
    {
        ManagerAddress address = ManagerAddress.Parse(plan.Address);
        byte[] key = plan.Settings.AuthKey;
        int maxFrameSize = plan.Settings.MaxFrameSize;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            try
            {
                return await ClientConnection.ConnectAsync(address, key, ConnectSettings.Default with { MaxFrameSize = maxFrameSize }, timeout.Token).ConfigureAwait(false);
            }
            catch (ManagerUnavailableException) when (!exited.IsCompleted && !timeout.IsCancellationRequested)
            {
                // Not listening yet; polling beats a fixed sleep and the child's exit ends it early.
                await Task.WhenAny(exited, Task.Delay(10, timeout.Token)).ConfigureAwait(false);
            }
            catch (ManagerUnavailableException ex)
            {
                string reason = exited.IsCompleted ? $"it exited with code {exitCode()}" : "it did not listen in time";
                throw new ManagerUnavailableException($"The manager process could not be started: {reason}.", ex);
            }
        }
    }

    /// <summary>Removes the socket directory this owner created for the child, if any.</summary>
    public static void DeleteDirectory(string? directory)
    {
        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
