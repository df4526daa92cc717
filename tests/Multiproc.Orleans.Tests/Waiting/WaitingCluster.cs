namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>The test classes of the waiting built-ins share one <see cref="WaitingClusterFixture"/> (a cluster per class would be slow to start).</summary>
[CollectionDefinition(Name)]
public sealed class WaitingCluster : ICollectionFixture<WaitingClusterFixture>
{
    public const string Name = "waiting cluster";
}
