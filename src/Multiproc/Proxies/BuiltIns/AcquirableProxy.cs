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

    /// <summary>Calls the server's <c>Acquire(timeout)</c>, whose result is <typeparamref name="TGrant"/>: its default means "not acquired".</summary>
    protected TGrant CallAcquire<TGrant>(TimeSpan timeout)
        where TGrant : struct, IEquatable<TGrant>
        => CallWaiting(AcquireMember, [WaitTimeout.Validate(timeout)], 0, s_timeout, Granted<TGrant>.IsGranted, default);

    /// <summary>The asynchronous form of <see cref="CallAcquire{TGrant}"/>.</summary>
    protected Task<TGrant> CallAcquireAsync<TGrant>(TimeSpan timeout, CancellationToken cancellationToken)
        where TGrant : struct, IEquatable<TGrant>
        => CallWaitingAsync(AcquireMember, [WaitTimeout.Validate(timeout)], 0, s_timeout, Granted<TGrant>.IsGranted, cancellationToken);

    // A lock grants a non-zero fencing token, a semaphore true: a sliced acquire is done at anything but the default.
    private static class Granted<TGrant>
        where TGrant : struct, IEquatable<TGrant>
    {
        public static readonly Func<TGrant, bool> IsGranted = static grant => !grant.Equals(default);
    }
}
