using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class LifetimeTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task DisposingTheLastProxy_RemovesAndDisposesTheObject()
    {
        // Unique: the Unix and TCP runs of this test share the static dispose record.
        string tag = $"last-proxy-{Guid.NewGuid():N}";
        ITracked tracked = await _manager.CreateAsync<ITracked>(tag);
        Assert.Equal(1, (await _manager.GetStatsAsync()).ObjectCount);

        ((IDisposable)tracked).Dispose();

        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()).ObjectCount == 0);
        await TestTimeout.UntilAsync(() => Task.FromResult(Tracked.WasDisposed(tag)));
    }

    [Fact(Timeout = 20_000)]
    public async Task CallOnDisposedProxy_ThrowsObjectDisposedException()
    {
        IEmployee employee = await _manager.CreateAsync<IEmployee>("Gone");
        ((IDisposable)employee).Dispose();
        Assert.Throws<ObjectDisposedException>(() => employee.Raise(1m));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => employee.RaiseAsync(1m));
    }

    [Fact(Timeout = 20_000)]
    public async Task WaitingAsyncMembersOnDisposedBuiltIns_FaultTheTaskInsteadOfThrowing()
    {
        ISharedQueue<int> queue = await _manager.CreateQueueAsync<int>();
        ISharedLock sharedLock = await _manager.CreateLockAsync();
        ISharedEvent sharedEvent = await _manager.CreateEventAsync();
        ((IDisposable)queue).Dispose();
        ((IDisposable)sharedLock).Dispose();
        ((IDisposable)sharedEvent).Dispose();

        // Each call must hand back a task; the failure belongs in the task, as for every async member.
        Func<Task>[] calls =
        [
            () => queue.PutAsync(1),
            () => queue.TryPutAsync(1, TimeSpan.FromSeconds(1)),
            () => queue.TakeAsync(),
            () => queue.JoinAsync(),
            () => sharedLock.AcquireAsync(),
            () => sharedEvent.WaitAsync(),
        ];
        foreach (Func<Task> call in calls)
        {
            Task? task = null;
            Exception? thrown = null;
            try
            {
                task = call();
            }
            catch (ObjectDisposedException ex)
            {
                thrown = ex;
            }

            Assert.Null(thrown);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => task!);
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task ClosedConnection_ReleasesEverythingItOwned()
    {
        string prefix = $"owned-{Guid.NewGuid():N}-";
        await using (Manager client = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey))
        {
            for (int i = 0; i < 3; i++)
            {
                await client.CreateAsync<ITracked>(prefix + i);
            }

            Assert.Equal(3, (await _manager.GetStatsAsync()).ObjectCount);
            Assert.Equal(2, (await _manager.GetStatsAsync()).ConnectionCount);
        }

        // Objects released by a closing connection are disposed on the pool: wait for that too.
        await TestTimeout.UntilAsync(async () => (await _manager.GetStatsAsync()) is { ObjectCount: 0, ConnectionCount: 1 } && Tracked.WasDisposed(prefix + 2));
    }

    [Fact(Timeout = 30_000)]
    public async Task Finalizer_ReleasesAProxyThatWasNeverDisposed()
    {
        await CreateAndDropAsync();
        await TestTimeout.UntilAsync(async () =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return (await _manager.GetStatsAsync()).ObjectCount == 0;
        });
    }

    [Fact(Timeout = 20_000)]
    public async Task SharedFactoryInstance_IsOneObject_AndNotDisposedByTheManager()
    {
        string tag = $"factory-shared-{Guid.NewGuid():N}";
        var shared = new Tracked(tag);
        await using Manager manager = await Manager.StartAsync(TestOptions.Bare(ListenAddress).Register<ITracked>(() => shared));
        ITracked first = await manager.CreateAsync<ITracked>();
        ITracked second = await manager.CreateAsync<ITracked>();
        Assert.Equal(SharedObject.FromProxy(first).ObjectId, SharedObject.FromProxy(second).ObjectId);

        ((IDisposable)first).Dispose();
        ((IDisposable)second).Dispose();
        await TestTimeout.UntilAsync(async () => (await manager.GetStatsAsync()).ObjectCount == 0);
        Assert.False(Tracked.WasDisposed(tag));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task CreateAndDropAsync()
    {
        ITracked dropped = await _manager.CreateAsync<ITracked>("dropped");
        Assert.Equal("dropped", dropped.Tag);
    }
}
