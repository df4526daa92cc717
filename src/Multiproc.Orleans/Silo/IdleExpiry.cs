namespace Multiproc.Orleans.Silo;

/// <summary>When an object whose type has an idle timeout (<see cref="MultiprocSiloOptions.IdleTimeout{TInterface}(TimeSpan)"/>) has gone long enough without a call.</summary>
/// <remarks>
/// Counts the calls in progress, so a call longer than the timeout never expires its object; the clock restarts when
/// the last call ends. Not thread-safe: used only on its grain's activation scheduler.
/// </remarks>
/// <param name="timeout">The type's idle timeout.</param>
/// <param name="time">The clock.</param>
internal sealed class IdleExpiry(TimeSpan timeout, TimeProvider time)
{
    private long _lastCallEnded = time.GetTimestamp();
    private int _callsInProgress;

    /// <summary>Gets the type's idle timeout.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>Gets how often the grain checks: a quarter of the timeout, so an object goes within 1.25 timeouts.</summary>
    public TimeSpan CheckPeriod => timeout / 4;

    /// <summary>Gets whether no call is in progress and none has ended for the timeout.</summary>
    public bool IsIdle => _callsInProgress == 0 && time.GetElapsedTime(_lastCallEnded) >= timeout;

    /// <summary>Records that a call arrived (before it waits for its turn).</summary>
    public void CallStarted() => _callsInProgress++;

    /// <summary>Records that a call ended, whatever its outcome.</summary>
    public void CallEnded()
    {
        _callsInProgress--;
        _lastCallEnded = time.GetTimestamp();
    }
}
