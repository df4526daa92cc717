using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Infrastructure;

/// <summary>
/// A second connection to a manager standing in for another process: its own socket, its own
/// proxies. <see cref="DieAsync"/> closes it the way a killed process would and waits until the
/// manager has noticed.
/// </summary>
internal sealed class OtherProcess : IAsyncDisposable
{
    private readonly Manager _owner;
    private int _dead;

    private OtherProcess(Manager owner, Manager connection)
    {
        _owner = owner;
        Connection = connection;
    }

    public Manager Connection { get; }

    public static async Task<OtherProcess> ConnectAsync(Manager owner)
        => new(owner, await Manager.ConnectAsync(owner.Address, owner.AuthKey, TestTimeout.Token()));

    /// <summary>Returns this process's own proxy to the object behind <paramref name="proxy"/>.</summary>
    public async Task<T> GetAsync<T>(T proxy)
        where T : class
    {
        string name = $"other-{Guid.NewGuid():N}";
        await _owner.PublishAsync(name, proxy, TestTimeout.Token());
        T own = await Connection.LookupAsync<T>(name, TestTimeout.Token());
        Assert.True(await _owner.UnpublishAsync(name, TestTimeout.Token()));
        return own;
    }

    /// <summary>Closes the connection (the process died) and waits until the manager has seen it close.</summary>
    public async Task DieAsync()
    {
        if (Interlocked.Exchange(ref _dead, 1) != 0)
        {
            return;
        }

        int before = (await _owner.GetStatsAsync(TestTimeout.Token())).ConnectionCount;
        await Connection.DisposeAsync();
        await TestTimeout.UntilAsync(async () => (await _owner.GetStatsAsync()).ConnectionCount < before, because: "the manager did not notice the closed connection");
    }

    public async ValueTask DisposeAsync() => await DieAsync();
}
