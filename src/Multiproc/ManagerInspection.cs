namespace Multiproc;

/// <summary>
/// What a manager holds and serves, in detail: <see cref="Manager.InspectAsync"/>, and what
/// <c>multiproc inspect</c> prints (docs/cli.md).
/// </summary>
/// <param name="StartedAt">When the manager started.</param>
/// <param name="Uptime">How long it has run.</param>
/// <param name="WorkingSetBytes">The manager process's working set (physical memory in use).</param>
/// <param name="ManagedHeapBytes">The manager process's managed heap (<see cref="GC.GetTotalMemory(bool)"/>).</param>
/// <param name="ObjectsByType">Live objects per type id.</param>
/// <param name="Names">The published names.</param>
/// <param name="Connections">The client connections open now.</param>
/// <param name="Members">Calls and errors per type id and member, for every member called at least once.</param>
/// <param name="BusiestObjects">The objects with the most calls since the manager started (at most 50), busiest first.</param>
/// <param name="Latency">How long calls took since the manager started, in buckets (what <c>multiproc top</c> reads percentiles from).</param>
public sealed record ManagerInspection(
    DateTimeOffset StartedAt,
    TimeSpan Uptime,
    long WorkingSetBytes,
    long ManagedHeapBytes,
    IReadOnlyDictionary<string, int> ObjectsByType,
    IReadOnlyList<InspectedName> Names,
    IReadOnlyList<InspectedConnection> Connections,
    IReadOnlyList<InspectedMember> Members,
    IReadOnlyList<InspectedObject> BusiestObjects,
    IReadOnlyList<LatencyBucket> Latency);

/// <summary>One object and the calls made on it.</summary>
/// <param name="ObjectId">The object's id in the manager.</param>
/// <param name="TypeId">Its type id.</param>
/// <param name="Calls">Calls admitted on it since it was created.</param>
public sealed record InspectedObject(long ObjectId, string TypeId, long Calls);

/// <summary>How many calls took at most <see cref="UpperBoundMicroseconds"/> (and more than the previous bucket's bound).</summary>
/// <param name="UpperBoundMicroseconds">The bucket's upper bound in microseconds; null for the last bucket, which has none.</param>
/// <param name="Count">Calls in the bucket since the manager started.</param>
public sealed record LatencyBucket(double? UpperBoundMicroseconds, long Count);

/// <summary>A published name and the object behind it.</summary>
/// <param name="Name">The name.</param>
/// <param name="TypeId">The object's type id.</param>
/// <param name="ObjectId">The object's id in the manager.</param>
public sealed record InspectedName(string Name, string TypeId, long ObjectId);

/// <summary>One client connection.</summary>
/// <param name="Id">The connection's id in the manager.</param>
/// <param name="ProcessId">The client's process id, when the kernel says (a Unix socket); null over TCP.</param>
/// <param name="Endpoint">Where the client connects from: its TCP address and port, or <c>unix</c>.</param>
/// <param name="ReferencesOwned">References the client holds.</param>
/// <param name="CallsInFlight">Calls running or queued for it, and replies it has not taken.</param>
/// <param name="LocksHeld">Locks (and re-entrant locks) it holds.</param>
/// <param name="PermitsHeld">Permits it holds of <see cref="SemaphoreKind.Owned"/> semaphores (a counting semaphore's permits belong to nobody).</param>
public sealed record InspectedConnection(long Id, int? ProcessId, string Endpoint, long ReferencesOwned, int CallsInFlight, int LocksHeld, int PermitsHeld);

/// <summary>Calls of one member of one type.</summary>
/// <param name="TypeId">The type id (<c>multiproc.control</c> for create, publish, lookup...).</param>
/// <param name="Member">The member's name.</param>
/// <param name="Calls">Calls that ran to a result or an error.</param>
/// <param name="Errors">Those that ended in an error.</param>
public sealed record InspectedMember(string TypeId, string Member, long Calls, long Errors);
