using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared barrier.</summary>
internal sealed class SharedBarrierProxy : BuiltInProxy, ISharedBarrier
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    public SharedBarrierProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int ParticipantCount => Call<int>(nameof(SharedBarrierServer.ParticipantCount), [], []);

    public int ParticipantsRemaining => Call<int>(nameof(SharedBarrierServer.ParticipantsRemaining), [], []);

    public long CurrentPhaseNumber => Call<long>(nameof(SharedBarrierServer.CurrentPhaseNumber), [], []);

    public bool IsBroken => Call<bool>(nameof(SharedBarrierServer.IsBroken), [], []);

    public long SignalAndWait() => Signal(Timeout.InfiniteTimeSpan);

    public bool SignalAndWait(TimeSpan timeout) => Signal(WaitTimeout.Validate(timeout)) >= 0;

    public Task<long> SignalAndWaitAsync(CancellationToken cancellationToken = default)
        => CallSettledAsync<long>(nameof(SharedBarrierServer.SignalAndWait), [Timeout.InfiniteTimeSpan], s_timeout, cancellationToken);

    public async Task<bool> SignalAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => await CallSettledAsync<long>(nameof(SharedBarrierServer.SignalAndWait), [WaitTimeout.Validate(timeout)], s_timeout, cancellationToken).ConfigureAwait(false) >= 0;

    public void Reset() => Call(nameof(SharedBarrierServer.Reset), [], []);

    /// <summary>Returns the completed phase, or -1 when the time ran out.</summary>
    private long Signal(TimeSpan timeout)
        => CallSettled<long>(nameof(SharedBarrierServer.SignalAndWait), [timeout], s_timeout, default);
}
