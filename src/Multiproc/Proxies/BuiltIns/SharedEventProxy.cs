using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared event.</summary>
internal sealed class SharedEventProxy : BuiltInProxy, ISharedEvent
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    public SharedEventProxy(SharedObject handle)
        : base(handle)
    {
    }

    public bool IsSet => Call<bool>(EventMembers.IsSet, [], []);

    public void Set() => Call(EventMembers.Set, [], []);

    public void Clear() => Call(EventMembers.Clear, [], []);

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
        => CallSettled<bool>(EventMembers.Wait, [WaitTimeout.Validate(timeout)], s_timeout, default);

    public Task WaitAsync(CancellationToken cancellationToken = default) => WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => CallSettledAsync<bool>(EventMembers.Wait, [WaitTimeout.Validate(timeout)], s_timeout, cancellationToken);
}
