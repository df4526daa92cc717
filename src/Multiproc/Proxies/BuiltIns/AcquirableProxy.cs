using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>
/// The half shared by the lock, semaphore and condition proxies: every form of <c>Acquire</c> is
/// one settled call of the server's <c>Acquire(timeout)</c>, so a grant is never lost to a
/// cancellation, and a scope gives back what one acquire took.
/// </summary>
internal abstract class AcquirableProxy : BuiltInProxy, IReleasable
{
    // The member name every acquirable server type shares (SharedLockServer, SharedSemaphoreServer, SharedConditionServer).
    private const string AcquireMember = "Acquire";

    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    protected AcquirableProxy(SharedObject handle)
        : base(handle)
    {
    }

    /// <summary>Gives back what one acquire took.</summary>
    internal abstract void ReleaseOne();

    /// <summary>Gives back what one acquire took, without blocking a thread.</summary>
    internal abstract Task ReleaseOneAsync();

    void IReleasable.ReleaseOne() => ReleaseOne();

    Task IReleasable.ReleaseOneAsync() => ReleaseOneAsync();

    /// <summary>Calls the server's <c>Acquire(timeout)</c>, whose result is <typeparamref name="TGrant"/>.</summary>
    protected TGrant CallAcquire<TGrant>(TimeSpan timeout)
        => CallSettled<TGrant>(AcquireMember, [WaitTimeout.Validate(timeout)], s_timeout, default);

    /// <summary>The asynchronous form of <see cref="CallAcquire{TGrant}"/>.</summary>
    protected Task<TGrant> CallAcquireAsync<TGrant>(TimeSpan timeout, CancellationToken cancellationToken)
        => CallSettledAsync<TGrant>(AcquireMember, [WaitTimeout.Validate(timeout)], s_timeout, cancellationToken);
}
