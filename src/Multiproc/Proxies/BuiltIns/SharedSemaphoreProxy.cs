using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared semaphore.</summary>
internal sealed class SharedSemaphoreProxy : AcquirableProxy, ISharedSemaphore
{
    private static readonly ValueWriter[] s_count = [ValueCodec<int>.Writer];

    public SharedSemaphoreProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int CurrentCount => Call<int>(SemaphoreMembers.CurrentCount, [], []);

    public void Acquire() => CallAcquire<bool>(Timeout.InfiniteTimeSpan);

    public bool TryAcquire(TimeSpan timeout) => CallAcquire<bool>(timeout);

    public Task AcquireAsync(CancellationToken cancellationToken = default)
        => CallAcquireAsync<bool>(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallAcquireAsync<bool>(timeout, cancellationToken);

    public int Release(int releaseCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        return Call<int>(SemaphoreMembers.Release, [releaseCount], s_count);
    }

    public Task<int> ReleaseAsync(int releaseCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        return CallAsync<int>(SemaphoreMembers.Release, [releaseCount], s_count, cancellationToken);
    }

    public IDisposable Lock()
    {
        Acquire();
        return new AcquiredScope(this);
    }

    public async ValueTask<IAsyncDisposable> LockAsync(CancellationToken cancellationToken = default)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        return new AcquiredScope(this);
    }

    internal override void ReleaseOne() => Release();

    internal override Task ReleaseOneAsync() => ReleaseAsync();
}
