using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Infrastructure;

/// <summary>The manager options most tests use.</summary>
internal static class TestOptions
{
    /// <summary>Returns the options, listening on <paramref name="address"/> (null: the default private Unix socket).</summary>
    public static ManagerOptions Create(string? address = null) => Bare(address)
        .Register<IEmployee, Employee>()
        .Register<ICounter, RacyCounter>()
        .Register<ICounter, ConcurrentCounter>("concurrent-counter")
        .Register<ITracked, Tracked>()
        .Register(typeof(Ledger), "Ledger");

    /// <summary>Options with nothing registered, listening on <paramref name="address"/>; a <c>tls://</c> one gets the test server certificate.</summary>
    public static ManagerOptions Bare(string? address) => new()
    {
        Address = address,
        ServerCertificate = address is not null && address.StartsWith("tls://", StringComparison.Ordinal) ? TestCertificates.Server : null,
    };
}
