using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Infrastructure;

/// <summary>The manager options most tests use.</summary>
internal static class TestOptions
{
    public static ManagerOptions Create() => new ManagerOptions()
        .Register<IEmployee, Employee>()
        .Register<ICounter, RacyCounter>()
        .Register<ICounter, ConcurrentCounter>("concurrent-counter")
        .Register<ITracked, Tracked>()
        .Register(typeof(Ledger), "Ledger");
}
