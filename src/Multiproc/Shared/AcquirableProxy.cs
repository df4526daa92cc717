using Multiproc.Serialization;
using Multiproc.Shared.Server;

namespace Multiproc.Shared;

/// <summary>
/// The acquiring half shared by the lock, semaphore and condition proxies: every form of
/// <c>Acquire</c> is one settled call of the server's <c>Acquire(timeout)</c>, so a grant is never
/// lost to a cancellation.
/// </summary>
internal abstract class AcquirableProxy : BuiltInProxy
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    protected AcquirableProxy(SharedObject handle)
        : base(handle)
    {
    }

    public void Acquire() => TryAcquire(Timeout.InfiniteTimeSpan);

    public bool TryAcquire(TimeSpan timeout)
        => CallSettled<bool>(nameof(SharedLockServer.Acquire), [WaitTimeout.Validate(timeout)], s_timeout, default);

    public Task AcquireAsync(CancellationToken cancellationToken = default)
        => TryAcquireAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallSettledAsync<bool>(nameof(SharedLockServer.Acquire), [WaitTimeout.Validate(timeout)], s_timeout, cancellationToken);

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

    /// <summary>Gives back what one acquire took.</summary>
    internal abstract void ReleaseOne();

    /// <summary>Gives back what one acquire took, without blocking a thread.</summary>
    internal abstract Task ReleaseOneAsync();
}
