namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>
/// The base of the storage-failure test classes: a one-silo cluster per test (<see cref="FailingStorageCluster"/>), whose
/// storage is switched to fail, or holds its writes until a test fails or stores each one.
/// </summary>
public abstract class FailingStorageTests : IAsyncLifetime
{
    private protected FailingStorageCluster Cluster { get; } = new();

    private protected Manager Manager => Cluster.Manager;

    private protected FailingStorage Storage => Cluster.Storage;

    public Task InitializeAsync() => Cluster.InitializeAsync();

    public Task DisposeAsync() => Cluster.DisposeAsync();
}
