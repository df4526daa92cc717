using Multiproc.Hosting;
using Multiproc.Proxies;

namespace Multiproc;

/// <summary>
/// <see cref="ManagerHosting.ChildProcess"/>: the manager's server in a worker process of its own, as
/// Python runs it. The child exits when the owner disposes the manager, or when the owner dies (its
/// worker bootstrap pipe closes).
/// </summary>
/// <remarks>
/// The facade starts the child as a <see cref="WorkerProcess"/>; what the child runs and how the owner
/// connects to it is <see cref="ManagerHost"/>'s, beneath it.
/// </remarks>
public sealed partial class Manager
{
    private static async Task<(WorkerProcess Host, ClientConnection Connection, string? OwnedDirectory, string? PythonAddress)> StartHostAsync(ManagerOptions options, CancellationToken cancellationToken)
    {
        HostPlan plan = ManagerHost.Plan(options);
        // Everything travels over the worker's private bootstrap pipe, never the command line.
        WorkerProcess host = WorkerProcess.Start(ManagerHost.Serve, plan.ServeAddress, ManagerHost.Secrets(plan.Settings), plan.Settings.ToLimits(), plan.Registrations);
        try
        {
            ClientConnection connection = await ManagerHost.ConnectWhenListeningAsync(plan, host.Completion, () => host.ExitCode, cancellationToken).ConfigureAwait(false);
            return (host, connection, plan.OwnedDirectory, plan.PythonAddress);
        }
        catch
        {
            host.Kill();
            await host.DisposeAsync().ConfigureAwait(false);
            ManagerHost.DeleteDirectory(plan.OwnedDirectory);
            throw;
        }
    }

    private static async Task StopHostAsync(WorkerProcess host, ICallChannel connection, string? ownedDirectory)
    {
        await ManagerHost.RequestShutdownAsync(connection).ConfigureAwait(false);
        if (!host.WaitForExit(ManagerHost.StopTimeout))
        {
            host.Kill();
        }

        await host.DisposeAsync().ConfigureAwait(false);
        ManagerHost.DeleteDirectory(ownedDirectory);
    }
}
