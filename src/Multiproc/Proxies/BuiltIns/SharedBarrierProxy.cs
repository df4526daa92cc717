using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared barrier.</summary>
internal sealed class SharedBarrierProxy : BuiltInProxy, ISharedBarrier
{
    private static readonly ValueWriter[] s_timeout = [ValueCodec<TimeSpan>.Writer];

    // A sliced signal is done once a phase completed; a slice that ran out withdrew its arrival (SharedBarrierServer), so signalling again is sound.
    private static readonly Func<long, bool> s_passed = static phase => phase >= 0;

    public SharedBarrierProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int ParticipantCount => Call<int>(BarrierMembers.ParticipantCount, [], []);

    public int ParticipantsRemaining => Call<int>(BarrierMembers.ParticipantsRemaining, [], []);

    public long CurrentPhaseNumber => Call<long>(BarrierMembers.CurrentPhaseNumber, [], []);

    public bool IsBroken => Call<bool>(BarrierMembers.IsBroken, [], []);

    public long SignalAndWait() => Signal(Timeout.InfiniteTimeSpan);

    public bool SignalAndWait(TimeSpan timeout) => Signal(WaitTimeout.Validate(timeout)) >= 0;

    public Task<long> SignalAndWaitAsync(CancellationToken cancellationToken = default)
        => CallWaitingAsync(BarrierMembers.SignalAndWait, [Timeout.InfiniteTimeSpan], 0, s_timeout, s_passed, cancellationToken);

    public async Task<bool> SignalAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => await CallWaitingAsync(BarrierMembers.SignalAndWait, [WaitTimeout.Validate(timeout)], 0, s_timeout, s_passed, cancellationToken).ConfigureAwait(false) >= 0;

    public void Reset() => Call(BarrierMembers.Reset, [], []);

    /// <summary>Returns the completed phase, or -1 when the time ran out.</summary>
    private long Signal(TimeSpan timeout)
        => CallWaiting(BarrierMembers.SignalAndWait, [timeout], 0, s_timeout, s_passed, default);
}
