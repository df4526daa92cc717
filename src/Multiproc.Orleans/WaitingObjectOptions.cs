namespace Multiproc.Orleans;

/// <summary>The leases of the waiting built-ins (queue, lock, semaphore, event, condition, barrier) on a silo.</summary>
/// <remarks>
/// <para>Configure on every silo: <c>siloBuilder.Services.Configure&lt;WaitingObjectOptions&gt;(o => o.SessionLease = TimeSpan.FromSeconds(5))</c>.
/// Read when an object's grain activates.</para>
/// <para>A grain cannot see a client process die, so what a client holds is leased: a lock, owned
/// semaphore permits and barrier places are given back when the client's session has not been
/// heard of for <see cref="SessionLease"/> (its heartbeat renews it every third of that); an item
/// taken from a queue goes back to the front of the queue unless the taker acknowledges it within
/// <see cref="QueueItemLease"/>, so delivery is at-least-once (docs/cluster.md).</para>
/// </remarks>
public sealed class WaitingObjectOptions
{
    private TimeSpan _sessionLease = TimeSpan.FromSeconds(10);
    private TimeSpan _queueItemLease = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a session that is not heard of keeps what it holds. Default 10 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan SessionLease
    {
        get => _sessionLease;
        set => _sessionLease = Positive(value);
    }

    /// <summary>Gets or sets how long a taken queue item waits for its taker's acknowledgement before it goes back to the queue. Default 5 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan QueueItemLease
    {
        get => _queueItemLease;
        set => _queueItemLease = Positive(value);
    }

    private static TimeSpan Positive(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return value;
    }
}
