namespace Multiproc.Orleans.Tests.Failover;

/// <summary>Tests that run alone: they start silo processes and time how fast the cluster recovers, so no other test may load the machine meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Failover (serial)";
}
