namespace Multiproc.Orleans.Tests.Contract;

/// <summary>One real Multiproc manager (a server on a private Unix socket), shared by the tests of a class.</summary>
public sealed class SingleManagerFixture : IAsyncLifetime
{
    private Manager? _manager;

    /// <summary>Gets the manager (disposed with the fixture, which removes its socket).</summary>
    public Manager Manager => _manager ?? throw new InvalidOperationException("The manager is not started.");

    /// <summary>Opens a second client connection to the manager, as another process would.</summary>
    public Task<Manager> ConnectAsync(CancellationToken cancellationToken)
        => Manager.ConnectAsync(Manager.Address, Manager.AuthKey, cancellationToken);

    public async Task InitializeAsync()
        => _manager = await Manager.StartAsync(ContractTypes.Register(new ManagerOptions()), TestTimeout.Token());

    public async Task DisposeAsync()
    {
        if (_manager is not null)
        {
            string socket = _manager.Address["unix:".Length..];
            await _manager.DisposeAsync();
            Assert.False(File.Exists(socket), $"The manager left its socket {socket} behind.");
        }
    }
}
