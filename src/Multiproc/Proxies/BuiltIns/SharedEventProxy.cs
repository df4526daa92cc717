using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared event.</summary>
internal sealed class SharedEventProxy : BuiltInProxy, ISharedEvent
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];
    private static readonly Func<bool, bool> s_set = static set => set;

    public SharedEventProxy(SharedObject handle)
        : base(handle)
    {
    }

    public bool IsSet => Call<bool>(EventMembers.IsSet, [], []);

    public void Set() => Call(EventMembers.Set, [], []);

    public void Clear() => Call(EventMembers.Clear, [], []);

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
        => CallWaiting<bool>(EventMembers.Wait, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_set, default, retryUnavailable: true);

    public Task WaitAsync(CancellationToken cancellationToken = default) => WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallWaitingAsync<bool>(EventMembers.Wait, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_set, cancellationToken, retryUnavailable: true);
}
