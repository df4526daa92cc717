using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared condition; its lock members act on the condition's lock.</summary>
internal sealed class SharedConditionProxy : SharedLockProxy, ISharedCondition
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];
    private static readonly ValueWriter[] s_count = [ValueCodec<int>.Writer];

    // A sliced wait is done once notified. Between slices the caller holds the lock again, so no
    // notifier can run in the gap: a notification is never missed (SharedConditionServer).
    private static readonly Func<bool, bool> s_notified = static notified => notified;

    public SharedConditionProxy(SharedObject handle)
        : base(handle)
    {
    }

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
        => CallWaiting(ConditionMembers.Wait, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_notified, default);

    public Task WaitAsync(CancellationToken cancellationToken = default) => WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallWaitingAsync(ConditionMembers.Wait, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_notified, cancellationToken);

    public int Notify(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Call<int>(ConditionMembers.Notify, [count], s_count);
    }

    public int NotifyAll() => Call<int>(ConditionMembers.NotifyAll, [], []);
}
