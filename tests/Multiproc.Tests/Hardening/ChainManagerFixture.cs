using Multiproc.Tests.Infrastructure;
using Multiproc.Tests.Processes;

namespace Multiproc.Tests.Hardening;

/// <summary>A manager in a child process with <see cref="IChainSource"/> registered, shared by one test class.</summary>
/// <remarks>A child process, so that on the old code a stack overflow kills the manager, not the test host.</remarks>
public sealed class ChainManagerFixture : IAsyncLifetime
{
    public Manager Manager { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ManagerOptions options = TestOptions.Create().Register<IChainSource, ChainSource>();
        options.Hosting = ManagerHosting.ChildProcess;
        Manager = await Manager.StartAsync(options, TestTimeout.Token(45));
    }

    public async Task DisposeAsync()
    {
        int serverPid = Manager.ServerProcessId;
        await Manager.DisposeAsync();
        await Processes.ProcessProbe.WaitForExitAsync(serverPid, TestTimeout.Token(10));
    }
}
