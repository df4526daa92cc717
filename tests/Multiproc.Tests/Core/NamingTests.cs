using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class NamingTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync() => _manager = await Manager.StartAsync(CreateOptions());

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task PublishThenLookup_FromAnotherConnection_ReachesTheSameObject()
    {
        IEmployee alice = await _manager.CreateAsync<IEmployee>("Alice", 1m);
        await _manager.PublishAsync("alice", alice);

        await using Manager other = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey);
        IEmployee found = await other.LookupAsync<IEmployee>("alice");
        found.Raise(1m);
        Assert.Equal(2m, alice.Salary);
    }

    [Fact(Timeout = 20_000)]
    public async Task PublishedObject_StaysAlive_WithNoProxiesLeft()
    {
        await using (Manager creator = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey))
        {
            IEmployee temp = await creator.CreateAsync<IEmployee>("Temp", 5m);
            await creator.PublishAsync("temp", temp);
        }

        IEmployee found = await _manager.LookupAsync<IEmployee>("temp");
        Assert.Equal(5m, found.Salary);
    }

    [Fact(Timeout = 20_000)]
    public async Task Lookup_UnknownName_ThrowsKeyNotFound()
        => await Assert.ThrowsAsync<KeyNotFoundException>(() => _manager.LookupAsync<IEmployee>("nobody"));

    [Fact(Timeout = 20_000)]
    public async Task Unpublish_RemovesTheName_AndReleasesTheObject()
    {
        // Unique: the Unix and TCP runs of this test share the static dispose record.
        string tag = $"unpublish-me-{Guid.NewGuid():N}";
        ITracked tracked = await _manager.CreateAsync<ITracked>(tag);
        await _manager.PublishAsync("t", tracked);
        ((IDisposable)tracked).Dispose();
        Assert.False(Tracked.WasDisposed(tag));

        Assert.True(await _manager.UnpublishAsync("t"));
        Assert.False(await _manager.UnpublishAsync("t"));
        await TestTimeout.UntilAsync(() => Task.FromResult(Tracked.WasDisposed(tag)), because: "the last reference was the name");
    }

    [Fact(Timeout = 30_000)]
    public async Task TryPublish_RacingProcesses_ExactlyOneWins()
    {
        Manager[] racers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Manager.ConnectAsync(_manager.Address, _manager.AuthKey)));
        try
        {
            bool[] won = await Task.WhenAll(racers.Select(async (racer, i) =>
            {
                IEmployee candidate = await racer.CreateAsync<IEmployee>($"candidate-{i}");
                return await racer.TryPublishAsync("leader", candidate);
            }));

            Assert.Single(won, w => w);
            IEmployee leader = await _manager.LookupAsync<IEmployee>("leader");
            Assert.Equal($"candidate-{Array.IndexOf(won, true)}", leader.Name);
        }
        finally
        {
            foreach (Manager racer in racers)
            {
                await racer.DisposeAsync();
            }
        }
    }
}
