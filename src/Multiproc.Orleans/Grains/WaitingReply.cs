namespace Multiproc.Orleans.Grains;

/// <summary>What a call on a waiting built-in returns: the reply, the lease of what it handed over, and the session's lease period.</summary>
/// <param name="Payload">The Result or Error message (docs/protocol.md §3).</param>
/// <param name="LeaseId">The lease of the items a queue take handed over (acknowledge it with <see cref="IWaitingObjectGrain.AcknowledgeAsync"/>), or 0.</param>
/// <param name="SessionLease">How long the object keeps what the calling session holds without hearing from it: the client renews well within it.</param>
[GenerateSerializer]
[Immutable]
[Alias("Multiproc.Orleans.WaitingReply")]
internal sealed record WaitingReply([property: Id(0)] byte[] Payload, [property: Id(1)] long LeaseId, [property: Id(2)] TimeSpan SessionLease);
