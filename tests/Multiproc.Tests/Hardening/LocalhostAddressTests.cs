using System.Net.Sockets;
using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Hardening;

/// <summary>F10: <c>tcp://localhost:0</c> failed with "remoteEP must not be of type DnsEndPoint"; host names are now resolved to bind.</summary>
public class LocalhostAddressTests
{
    [Fact(Timeout = 20_000)]
    public async Task StartAsync_TcpLocalhostPortZero_ListensAndServes()
    {
        ManagerOptions options = TestOptions.Create();
        options.Address = "tcp://localhost:0";
        await using Manager manager = await Manager.StartAsync(options, TestTimeout.Token());

        Assert.StartsWith("tcp://localhost:", manager.Address, StringComparison.Ordinal);
        Assert.DoesNotContain(":0", manager.Address[6..], StringComparison.Ordinal);
        await using Manager connector = await Manager.ConnectAsync(manager.Address, manager.AuthKey, cancellationToken: TestTimeout.Token());
        IEmployee employee = await connector.CreateAsync<IEmployee>("Local", 1m);
        Assert.Equal("Local", employee.Name);
    }

    [Fact(Timeout = 20_000)]
    public async Task StartAsync_HostNameThatDoesNotResolve_SaysSo()
    {
        ManagerOptions options = TestOptions.Create();
        options.Address = "tcp://no-such-host.invalid:0";

        SocketException error = await Assert.ThrowsAsync<SocketException>(() => Manager.StartAsync(options, TestTimeout.Token()));

        Assert.Contains("no-such-host.invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not resolve", error.Message, StringComparison.Ordinal);
    }
}
