using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// F7 (last bullets): a lock's holder that was cut off must be refusable by the resource it guards,
/// so every grant carries a fencing token larger than all before it, and a holder whose connection
/// the manager dropped loses the lock and fails fast.
/// </summary>
[Trait("Kind", "Process")]
public sealed class FencingTokenTests : IAsyncLifetime
{
    private Manager _manager = null!;

    public async Task InitializeAsync()
    {
        // A small frame limit lets a test make the manager drop one connection (an oversized frame).
        var options = new ManagerOptions { MaxFrameSize = 4096 };
        _manager = await Manager.StartAsync(options);
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task Acquire_EveryForm_ReturnsATokenLargerThanEveryEarlierGrant()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        await using OtherProcess other = await OtherProcess.ConnectAsync(_manager);
        ISharedLock otherLock = await other.GetAsync(lk);
        var tokens = new List<long>();

        tokens.Add(lk.Acquire());
        Assert.Equal(tokens[^1], lk.FencingToken);
        Assert.Equal(0, otherLock.FencingToken);
        Assert.False(otherLock.TryAcquire(TimeSpan.Zero, out long refused));
        Assert.Equal(0, refused);
        lk.Release();
        Assert.Equal(0, lk.FencingToken);

        tokens.Add(await otherLock.AcquireAsync(TestTimeout.Token()));
        await otherLock.ReleaseAsync(TestTimeout.Token());
        Assert.True(lk.TryAcquire(TimeSpan.FromSeconds(5), out long tried));
        tokens.Add(tried);
        lk.Release();
        Assert.True(await otherLock.TryAcquireAsync(TimeSpan.FromSeconds(5), TestTimeout.Token()));
        tokens.Add(otherLock.FencingToken);
        otherLock.Release();
        using (SharedLockScope scope = lk.Lock())
        {
            tokens.Add(scope.FencingToken);
        }

        await using (SharedLockScope scope = await otherLock.LockAsync(TestTimeout.Token()))
        {
            tokens.Add(scope.FencingToken);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], tokens);
    }

    [Fact(Timeout = 20_000)]
    public async Task Reentry_ReturnsTheTokenOfTheHoldItEnters()
    {
        ISharedLock lk = await _manager.CreateLockAsync(reentrant: true);
        long first = lk.Acquire();
        Assert.Equal(first, await lk.AcquireAsync(TestTimeout.Token()));
        Assert.True(lk.TryAcquire(TimeSpan.Zero, out long third));
        Assert.Equal(first, third);
        lk.Release();
        lk.Release();
        lk.Release();

        Assert.Equal(first + 1, lk.Acquire());
        lk.Release();
    }

    [Fact(Timeout = 20_000)]
    public async Task ConditionWait_TakesTheLockBackUnderANewToken()
    {
        ISharedCondition condition = await _manager.CreateConditionAsync();
        long before = condition.Acquire();

        Assert.False(await condition.WaitAsync(TimeSpan.FromMilliseconds(10), TestTimeout.Token()));

        Assert.True(condition.FencingToken > before);
        condition.Release();
    }

    // The manager drops the holder's connection (here for an oversized frame; heartbeats and buffer
    // limits drop connections the same way): the lock passes on with a larger token, and the old
    // holder's next call fails fast with ManagerUnavailableException rather than acting on the lock.
    [Fact(Timeout = 30_000)]
    public async Task HolderDroppedByTheManager_NextTokenIsLarger_AndTheOldHolderGetsManagerUnavailable()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        ISharedList<string> list = await _manager.CreateListAsync<string>();
        Manager holder = await Manager.ConnectAsync(_manager.Address, _manager.AuthKey, TestTimeout.Token());
        await using (holder)
        {
            await _manager.PublishAsync("fenced", lk, TestTimeout.Token());
            await _manager.PublishAsync("big", list, TestTimeout.Token());
            ISharedLock holderLock = await holder.LookupAsync<ISharedLock>("fenced", TestTimeout.Token());
            ISharedList<string> holderList = await holder.LookupAsync<ISharedList<string>>("big", TestTimeout.Token());
            long dead = holderLock.Acquire();
            Task<long> next = lk.AcquireAsync(TestTimeout.Token());

            await Assert.ThrowsAsync<ManagerUnavailableException>(() => Task.Run(() => holderList.Add(new string('x', 10_000))));

            long token = await next.WaitAsync(TestTimeout.Token());
            Assert.True(token > dead, $"token {token} after the dropped holder's {dead}");
            Assert.Throws<ManagerUnavailableException>(() => holderLock.Release());
            Assert.Throws<ManagerUnavailableException>(() => holderLock.Acquire());
            await Assert.ThrowsAsync<ManagerUnavailableException>(() => holderLock.TryAcquireAsync(TimeSpan.Zero, TestTimeout.Token()));
            lk.Release();
        }
    }

    [Fact(Timeout = 40_000)]
    public async Task HolderSigkilled_NextTokenIsLarger()
    {
        ISharedLock lk = await _manager.CreateLockAsync();
        await _manager.PublishAsync("killed", lk, TestTimeout.Token());
        using PeerProcess holder = PeerProcess.Start("lock-hold", _manager.Address, Convert.ToHexString(_manager.AuthKey.Span), "killed");
        long dead = long.Parse(await holder.ReadLineAsync(TestTimeout.Token(30)), System.Globalization.CultureInfo.InvariantCulture);
        Task<long> next = lk.AcquireAsync(TestTimeout.Token());

        holder.Kill();

        long token = await next.WaitAsync(TestTimeout.Token());
        Assert.True(token > dead, $"token {token} after the killed holder's {dead}");
        lk.Release();
    }
}
