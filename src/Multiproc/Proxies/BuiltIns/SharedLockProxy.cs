using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared lock (and the lock half of a shared condition).</summary>
/// <remarks>The server's <c>Acquire</c> returns the grant's fencing token, 0 when the time ran out.</remarks>
internal class SharedLockProxy : AcquirableProxy, ISharedLock
{
    public SharedLockProxy(SharedObject handle)
        : base(handle)
    {
    }

    public bool IsLocked => Call<bool>(LockMembers.IsLocked, [], []);

    public long FencingToken => Call<long>(LockMembers.FencingToken, [], []);

    public long Acquire() => CallAcquire<long>(Timeout.InfiniteTimeSpan);

    public bool TryAcquire(TimeSpan timeout) => TryAcquire(timeout, out _);

    public bool TryAcquire(TimeSpan timeout, out long fencingToken)
    {
        fencingToken = CallAcquire<long>(timeout);
        return fencingToken != 0;
    }

    public Task<long> AcquireAsync(CancellationToken cancellationToken = default)
        => CallAcquireAsync<long>(Timeout.InfiniteTimeSpan, cancellationToken);

    public async Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => await CallAcquireAsync<long>(timeout, cancellationToken).ConfigureAwait(false) != 0;

    public void Release() => Call(LockMembers.Release, [], []);

    public Task ReleaseAsync(CancellationToken cancellationToken = default)
        => CallAsync(LockMembers.Release, [], [], cancellationToken);

    public SharedLockScope Lock() => new(this, Acquire());

    public async ValueTask<SharedLockScope> LockAsync(CancellationToken cancellationToken = default)
        => new(this, await AcquireAsync(cancellationToken).ConfigureAwait(false));

    internal override void ReleaseOne() => Release();

    internal override Task ReleaseOneAsync() => ReleaseAsync();
}
