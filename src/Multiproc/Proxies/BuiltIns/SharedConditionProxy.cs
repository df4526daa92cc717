using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared condition; its lock members act on the condition's lock.</summary>
internal sealed class SharedConditionProxy : SharedLockProxy, ISharedCondition
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];
    private static readonly ValueWriter[] s_count = [ValueCodec<int>.Writer];

    public SharedConditionProxy(SharedObject handle)
        : base(handle)
    {
    }

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
        => CallSettled<bool>(ConditionMembers.Wait, [WaitTimeout.Validate(timeout)], s_timeout, default);

    public Task WaitAsync(CancellationToken cancellationToken = default) => WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallSettledAsync<bool>(ConditionMembers.Wait, [WaitTimeout.Validate(timeout)], s_timeout, cancellationToken);

    public int Notify(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Call<int>(ConditionMembers.Notify, [count], s_count);
    }

    public int NotifyAll() => Call<int>(ConditionMembers.NotifyAll, [], []);
}
