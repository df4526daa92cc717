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
    /// <exception cref="ArgumentException">The TLS options do not fit the address.</exception>
    /// <exception cref="NotSupportedException">A client-certificate callback is set: a delegate cannot be sent to another process.</exception>
    public static HostPlan Plan(ManagerOptions options)
    {
        ManagerSettings settings = ManagerSettings.From(options);
        settings.ValidateTls();
        if (settings.ClientCertificateValidation is not null)
        {
            throw new NotSupportedException("ClientCertificateValidationCallback cannot run in a child-process manager (a delegate does not cross processes); host the manager in-process, or leave client certificates to the key.");
        }

        string[] registrations = [.. settings.Registrations.SelectMany(r => r.Factory is null
            ? new[] { r.TypeId, r.Contract.AssemblyQualifiedName!, r.Implementation!.AssemblyQualifiedName! }
            : throw new NotSupportedException($"'{r.TypeId}' is registered with a factory, which cannot run in a child-process manager; register a class instead."))];
        (string address, string? ownedDirectory) = ChooseAddress(settings.Address);
        string? pythonAddress = settings.PythonAddress is null ? null : ChoosePort(ManagerAddress.Parse(settings.PythonAddress));
        return new HostPlan(settings, address, ownedDirectory, registrations, pythonAddress);
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

    /// <summary>The key, and for a <c>tls://</c> manager the certificate with its private key, as the one byte array <see cref="Serve"/> takes.</summary>
    public static byte[] Secrets(ManagerSettings settings) => HostSecrets.Write(settings.AuthKey, settings.ServerCertificate);

    /// <summary>The child's target: serve until asked to stop (or the owner dies and the worker exits).</summary>
    /// <param name="address">Where to listen; then, after a NUL, where to serve Python clients (<see cref="HostPlan.ServeAddress"/>).</param>
    /// <param name="secrets">The key, and the certificate of a <c>tls://</c> manager (<see cref="HostSecrets"/>): one argument, since a target takes at most four.</param>
    /// <param name="limits">The numeric limits, as <see cref="ManagerSettings.ToLimits"/> wrote them.</param>
    /// <param name="registrations">
    /// Type id, contract and implementation (assembly-qualified names) of each registered type, one
    /// after another. Flat, and of types MessagePack's built-in formatters write: a jagged array would
    /// wake the dynamic resolvers (Reflection.Emit), tens of milliseconds of the child's start.
    /// </param>
    internal static void Serve(string address, byte[] secrets, long[] limits, string[] registrations)
    {
        (byte[] authKey, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate) = HostSecrets.Read(secrets);
        string[] addresses = address.Split(HostPlan.AddressSeparator);
        var options = new ManagerOptions { Address = addresses[0], AuthKey = authKey, ServerCertificate = certificate };
        if (addresses.Length > 1)
        {
            options.ServePython(addresses[1]);
        }

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

        return (ChoosePort(ManagerAddress.Parse(requested)), null);
    }

    /// <summary>The address with a free port in place of port 0: the owner must know the port before the child listens.</summary>
    private static string ChoosePort(ManagerAddress parsed)
    {
        if (parsed.IsUnix || parsed.Port != 0)
        {
            return parsed.Text;
        }

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.TryParse(parsed.Host, out IPAddress? ip) ? ip : IPAddress.Loopback, 0));
        return parsed.WithPort(((IPEndPoint)probe.LocalEndPoint!).Port).Text;
    }

    /// <summary>Connects once the child listens; fails early when it exits first.</summary>
    /// <param name="plan">What the child was started with.</param>
    /// <param name="exited">Completes when the child exits.</param>
    /// <param name="exitCode">Reads the child's exit code once it has exited.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="ManagerUnavailableException">The child exited, or did not listen within <see cref="StartTimeout"/>.</exception>
    public static async Task<ClientConnection> ConnectWhenListeningAsync(HostPlan plan, Task exited, Func<int> exitCode, CancellationToken cancellationToken)
    {
        // The owner checks its child's certificate by its pin: it knows the certificate it gave.
        ManagerAddress address = OwnerAddress(plan.Address, plan.Settings);
        byte[] key = plan.Settings.AuthKey;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            try
            {
                return await ClientConnection.ConnectAsync(address, key, OwnerConnectSettings(plan.Settings), timeout.Token).ConfigureAwait(false);
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

    /// <summary>
    /// The address an owner connects to its own manager with: a <c>tls://</c> one pinned to the
    /// manager's certificate, so neither the owner nor the workers it hands proxies to need a callback.
    /// </summary>
    public static ManagerAddress OwnerAddress(string listening, ManagerSettings settings)
    {
        ManagerAddress address = ManagerAddress.Parse(listening);
        return address.IsTls && settings.ServerCertificate is { } certificate ? address.WithPin(CertificatePin.Of(certificate)) : address;
    }

    /// <summary>
    /// How the owner connects to its own manager: when the manager checks client certificates, the
    /// owner presents the manager's own certificate, which the manager admits by its pin (only the
    /// holder of its private key can present it).
    /// </summary>
    public static ConnectSettings OwnerConnectSettings(ManagerSettings settings)
        => ConnectSettings.Default with
        {
            MaxFrameSize = settings.MaxFrameSize,
            ClientCertificate = settings.ClientCertificateValidation is not null ? settings.ServerCertificate : null,
        };

    /// <summary>Removes the socket directory this owner created for the child, if any.</summary>
    public static void DeleteDirectory(string? directory)
    {
        if (directory is not null && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
