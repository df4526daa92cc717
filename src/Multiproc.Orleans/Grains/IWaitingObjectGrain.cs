namespace Multiproc.Orleans.Grains;

/// <summary>
/// A waiting built-in of the cluster (queue, lock, semaphore, event, condition, barrier), keyed by an
/// object id marked by <see cref="WaitingObjectIds"/>.
/// </summary>
/// <remarks>
/// <para>Reentrant: a call that waits (a take, an acquire) never blocks the grain's turn, so the call
/// that ends the wait (a put, a release) runs meanwhile. One wait lasts at most what its caller asks,
/// which a client keeps below Orleans' response timeout (<c>ICallChannel.MaxWaitSlice</c>).</para>
/// <para>The calling session travels in Orleans' request context (<see cref="Silo.SessionContext"/>):
/// locks, owned permits and barrier places belong to a session, and are given back when the session
/// has not been heard of for a lease period (<see cref="WaitingObjectOptions.SessionLease"/>).</para>
/// <para>The members inherited from <see cref="ISharedObjectGrain"/> serve create, publish and delete as for any object.</para>
/// </remarks>
internal interface IWaitingObjectGrain : ISharedObjectGrain
{
    /// <summary>Runs a Call message for the calling session.</summary>
    /// <returns>The reply; a queue take's items are leased until <see cref="AcknowledgeAsync"/>, and go back to the front of the queue when the lease ends.</returns>
    Task<WaitingReply> CallAsync(byte[] call, CancellationToken cancellationToken);

    /// <summary>Acknowledges the items of a take: they are the taker's for good.</summary>
    /// <exception cref="KeyNotFoundException">No such lease: acknowledged already, or it ended and its items went back to the queue.</exception>
    Task AcknowledgeAsync(long leaseId);

    /// <summary>Renews the calling session's lease on this object.</summary>
    /// <returns>The session lease period, or null when this id holds no object (stop renewing it).</returns>
    Task<TimeSpan?> RenewSessionAsync();

    /// <summary>Ends the calling session on this object at once (its client closed): what it held is given back, its waits end.</summary>
    Task EndSessionAsync();

    /// <summary>Hosts a condition over this object's lock, for the condition's grain to forward its calls to.</summary>
    /// <exception cref="ArgumentException">This object is not a shared lock.</exception>
    Task HostConditionAsync(long conditionId);

    /// <summary>Runs a Call message on a condition this grain hosts (<see cref="HostConditionAsync"/>).</summary>
    Task<WaitingReply> CallHostedAsync(long conditionId, byte[] call, CancellationToken cancellationToken);

    /// <summary>Drops a hosted condition (its grain was deleted).</summary>
    Task DropConditionAsync(long conditionId);

    /// <summary>Counts the calls running on this object now, waits included (diagnostics and tests: a wait whose caller gave up must not stay).</summary>
    Task<int> CountCallsInProgressAsync();

    /// <summary>Counts the condition waits that outlasted a slice (their reacquire of the lock goes on across their callers' resumes) and have not ended (diagnostics and tests).</summary>
    Task<int> CountParkedReacquiresAsync();
}
