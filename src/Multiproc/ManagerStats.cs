namespace Multiproc;

/// <summary>A snapshot of a manager's state.</summary>
/// <param name="ObjectCount">Shared objects alive in the manager.</param>
/// <param name="ConnectionCount">Client connections currently open.</param>
/// <param name="ReferenceCount">References held by connections, names and containers, summed.</param>
/// <param name="PublishedCount">Names published with <see cref="Manager.PublishAsync"/>.</param>
/// <param name="CallCount">Calls served since the manager started.</param>
/// <param name="ErrorCount">Calls that ended in an exception since the manager started.</param>
/// <param name="ObjectsByType">Live objects per type id.</param>
public sealed record ManagerStats(
    int ObjectCount,
    int ConnectionCount,
    long ReferenceCount,
    int PublishedCount,
    long CallCount,
    long ErrorCount,
    IReadOnlyDictionary<string, int> ObjectsByType);
