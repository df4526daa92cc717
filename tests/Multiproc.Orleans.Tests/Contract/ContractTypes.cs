using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Contract;

/// <summary>The types both backends of the contract suite serve, registered the same way on a manager and on every silo.</summary>
internal static class ContractTypes
{
    /// <summary>Registers the contract's test types on <paramref name="options"/> and returns it.</summary>
    public static ManagerOptions Register(ManagerOptions options) => options
        .Register<IEmployee, Employee>()
        .Register<ICounter, RacyCounter>()
        .Register<ITeam, Team>()
        .Register<ITracked, Tracked>()
        .Register<IOverlapProbe, OverlapProbe>();
}
