using Multiproc.Serialization;
using Multiproc.Shared.Server;

namespace Multiproc.Shared;

/// <summary>The proxy of a shared semaphore.</summary>
internal sealed class SharedSemaphore : AcquirableProxy, ISharedSemaphore
{
    private static readonly ValueWriter[] s_count = [ValueCodec<int>.Writer];

    public SharedSemaphore(SharedObject handle)
        : base(handle)
    {
    }

    public int CurrentCount => Call<int>(nameof(SharedSemaphoreServer.CurrentCount), [], []);

    public int Release(int releaseCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        return Call<int>(nameof(SharedSemaphoreServer.Release), [releaseCount], s_count);
    }

    public Task<int> ReleaseAsync(int releaseCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(releaseCount, 1);
        return CallAsync<int>(nameof(SharedSemaphoreServer.Release), [releaseCount], s_count, cancellationToken);
    }

    internal override void ReleaseOne() => Release();

    internal override Task ReleaseOneAsync() => ReleaseAsync();
}
