using Multiproc.Shared.Server;

namespace Multiproc.Shared;

/// <summary>The proxy of a shared lock (and the lock half of a shared condition).</summary>
internal class SharedLock : AcquirableProxy, ISharedLock
{
    public SharedLock(SharedObject handle)
        : base(handle)
    {
    }

    public bool IsLocked => Call<bool>(nameof(SharedLockServer.IsLocked), [], []);

    public void Release() => Call(nameof(SharedLockServer.Release), [], []);

    public Task ReleaseAsync(CancellationToken cancellationToken = default)
        => CallAsync(nameof(SharedLockServer.Release), [], [], cancellationToken);

    internal override void ReleaseOne() => Release();

    internal override Task ReleaseOneAsync() => ReleaseAsync();
}
