using MessagePack;
using Multiproc.Proxies;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Seams;

/// <summary>Address schemes of the client seam, and the hand-over descriptor's bad input.</summary>
public sealed class ChannelSchemesTests : ObjectHostTestBase
{
    [Fact(Timeout = 20_000)]
    public async Task ConnectAsync_SchemeNobodyRegistered_FormatExceptionNamingIt()
    {
        FormatException error = await Assert.ThrowsAsync<FormatException>(
            () => Manager.ConnectAsync("orleans://redis:6379/cluster", new byte[32], cancellationToken: TestTimeout.Token()));

        Assert.Contains("'orleans:'", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task RegisteredScheme_ManagerConnectAsyncReachesItsConnector()
    {
        string scheme = "test" + Guid.NewGuid().ToString("N")[..8];
        ChannelSchemes.Register(scheme, (address, key, settings, cancellationToken) => Task.FromResult<ICallChannel>(new InMemoryChannel(Host)));

        await using Manager manager = await Manager.ConnectAsync($"{scheme}://anywhere", new byte[32], cancellationToken: TestTimeout.Token());

        Assert.Equal("memory:", manager.Address);
        Assert.Throws<ArgumentException>(() => ChannelSchemes.Register(scheme, (_, _, _, _) => Task.FromResult<ICallChannel>(new InMemoryChannel(Host))));
    }

    [Theory]
    [InlineData("unix")]
    [InlineData("TCP")]
    public void Register_AManagersOwnScheme_IsRefused(string scheme)
        => Assert.Throws<ArgumentException>(() => ChannelSchemes.Register(scheme, (_, _, _, _) => Task.FromResult<ICallChannel>(new InMemoryChannel(Host))));

    [Fact(Timeout = 20_000)]
    public async Task CreateArrayAsync_OnABackendThatIsNotASocketOnThisHost_NotSupported()
    {
        Manager manager = Manager.Over(new InMemoryChannel(Host));

        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => manager.CreateArrayAsync<int>(4, TestTimeout.Token()));

        Assert.Contains("memory:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93 A1 61 C4 00 A1 74")]       // three fields
    [InlineData("94 C0 C4 00 A1 74 A1 74")]    // no address
    public void HandoverDescriptor_Malformed_MessagePackSerializationException(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new MessagePackReader(bytes);
            HandoverDescriptor.Read(ref reader);
        });
    }
}
