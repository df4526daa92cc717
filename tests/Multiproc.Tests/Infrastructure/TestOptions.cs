using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Infrastructure;

/// <summary>The manager options most tests use.</summary>
internal static class TestOptions
{
    /// <summary>Returns the options, listening on <paramref name="address"/> (null: the default private Unix socket).</summary>
    public static ManagerOptions Create(string? address = null) => new ManagerOptions { Address = address }
        .Register<IEmployee, Employee>()
        .Register<ICounter, RacyCounter>()
        .Register<ICounter, ConcurrentCounter>("concurrent-counter")
        .Register<ITracked, Tracked>()
        .Register(typeof(Ledger), "Ledger");
}
