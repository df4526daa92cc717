using Multiproc.Hosting;
using Multiproc.Server;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Seams;

/// <summary>A fresh <see cref="ObjectHost"/> per test (the server seam with no listener), built-ins included.</summary>
public abstract class ObjectHostTestBase : IAsyncLifetime
{
    private protected ObjectHost Host { get; private set; } = null!;

    /// <summary>Gets the options the host serves; default the counter fixture.</summary>
    private protected virtual ManagerOptions Options => new ManagerOptions().Register<ICounter, RacyCounter>();

    public Task InitializeAsync()
    {
        Host = ServerComposition.CreateHost(ManagerSettings.From(Options));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
