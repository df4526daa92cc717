using Multiproc.Server;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F8: an authenticated client could allocate unlimited RAM-backed shared memory through
/// <c>create multiproc:array</c> (a 2 GiB block in 617 ms). Creates now draw on a per-manager quota.
/// </summary>
[Trait("Kind", "Process")]
public sealed class SharedMemoryQuotaTests
{
    private const long Limit = 1 << 20;

    [Fact(Timeout = 20_000)]
    public async Task CreateArray_BeyondTheQuota_IsRefused_NothingIsAllocated_AndFreedBytesComeBack()
    {
        await using Manager manager = await Manager.StartAsync(new ManagerOptions { MaxSharedMemoryBytes = Limit });
        SharedMemoryQuota quota = manager.OwnedServer!.Host.MemoryQuota;
        SharedArray<long> first = await manager.CreateArrayAsync<long>(64 * 1024);
        long charged = quota.Used;
        Assert.InRange(charged, 512 * 1024, Limit);
        int objects = (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount;

        InsufficientMemoryException refused = await Assert.ThrowsAsync<InsufficientMemoryException>(() => manager.CreateArrayAsync<byte>(600 * 1024, TestTimeout.Token()));
        Assert.Contains(nameof(ManagerOptions.MaxSharedMemoryBytes), refused.Message, StringComparison.Ordinal);
        Assert.Equal(charged, quota.Used);
        Assert.Equal(objects, (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);

        first.Dispose();
        await TestTimeout.UntilAsync(() => Task.FromResult(quota.Used == 0), because: "the removed block's bytes did not come back to the quota");
        using SharedArray<byte> second = await manager.CreateArrayAsync<byte>(600 * 1024, TestTimeout.Token());
        Assert.Equal(600 * 1024, second.Length);
    }

    // F8 repro: create("multiproc:array", 1, int.MaxValue) made a 2 GiB block; the default quota is 1 GiB.
    [Fact(Timeout = 20_000)]
    public async Task RawCreateOfATwoGiBArray_IsRefusedByTheDefaultQuota()
    {
        await using Manager manager = await Manager.StartAsync();
        await using Manager client = await Manager.ConnectAsync(manager.Address, manager.AuthKey, TestTimeout.Token());

        await Assert.ThrowsAsync<InsufficientMemoryException>(() => client.CreateAsync("multiproc:array", 1, int.MaxValue));

        Assert.Equal(0, manager.OwnedServer!.Host.MemoryQuota.Used);
        Assert.Equal(0, (await manager.GetStatsAsync(TestTimeout.Token())).ObjectCount);
    }

    [Fact]
    public void MaxSharedMemoryBytes_DefaultsTo1GiB_AndRefusesNegativeValuesInTheSetter()
    {
        var options = new ManagerOptions();
        Assert.Equal(1L << 30, options.MaxSharedMemoryBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxSharedMemoryBytes = -1);
        options.MaxSharedMemoryBytes = 0;
        Assert.Equal(0, options.MaxSharedMemoryBytes);
    }

    [Fact(Timeout = 40_000)]
    public async Task ChildProcessManager_AppliesTheQuota()
    {
        var options = new ManagerOptions { Hosting = ManagerHosting.ChildProcess, MaxSharedMemoryBytes = 0 };
        await using Manager manager = await Manager.StartAsync(options, TestTimeout.Token(30));

        await Assert.ThrowsAsync<InsufficientMemoryException>(() => manager.CreateArrayAsync<int>(1, TestTimeout.Token()));
    }
}
