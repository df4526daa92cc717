namespace Multiproc.Bench;

/// <summary>One row of the cluster comparison: how to make its sync and its concurrent call, and what each round measured.</summary>
/// <param name="Key">The row's short name.</param>
/// <param name="Label">What the table prints.</param>
/// <param name="Where">The silo its object (or grain) lives on, or a dash.</param>
/// <param name="Sync">One blocking call.</param>
/// <param name="Concurrent">One awaited call (64 of these run at once).</param>
internal sealed record Row(string Key, string Label, string Where, Action Sync, Func<Task> Concurrent)
{
    public List<double> SyncMicroseconds { get; } = [];

    public List<double> CallsPerSecond { get; } = [];
}
