namespace Multiproc.Orleans.Tests;

/// <summary>
/// A cluster's refusal of the waiting built-ins it does not serve yet. The built-ins it serves are tested by the
/// contract suite (<see cref="Contract.ManagerContract"/>).
/// </summary>
public sealed class BuiltInCollectionTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    [Fact(Timeout = 30_000)]
    public async Task WaitingBuiltIn_IsRefused_WithAMessageThatSaysWhy()
    {
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Manager.CreateQueueAsync<int>(cancellationToken: TestTimeout.Token()));

        Assert.Contains("not served by an Orleans cluster yet", refused.Message, StringComparison.Ordinal);
    }
}
