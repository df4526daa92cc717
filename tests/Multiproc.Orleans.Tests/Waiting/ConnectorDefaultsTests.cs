using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Multiproc.Orleans.Client;
using Multiproc.Proxies;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Multiproc.Orleans.Tests.Waiting;

/// <summary>
/// What a channel opened by Multiproc is set up with, since nobody configures it by hand: a client started from an
/// address cancels a wait whose caller timed out, every channel slices waits by its own response timeout (a silo's
/// too), and a connect is bounded by 30 s unless the caller set a timeout.
/// </summary>
[Collection(WaitingCluster.Name)]
public sealed class ConnectorDefaultsTests(WaitingClusterFixture cluster)
{
    [Fact(Timeout = 60_000)]
    public async Task ClientStartedFromAnAddress_CancelsTimedOutRequests_AndSlicesWaitsByItsResponseTimeout()
    {
        await using Manager byAddress = await OrleansManager.ConnectAsync(cluster.Address, TestTimeout.Token());
        var channel = (OrleansCallChannel)byAddress.Channel;
        IServiceProvider services = ((IClusterClient)channel.Grains).ServiceProvider;
        ClientMessagingOptions messaging = services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value;

        Assert.True(messaging.CancelRequestOnTimeout);
        Assert.Equal(messaging.ResponseTimeout / 3, channel.MaxWaitSlice);
    }

    [Fact]
    public void ChannelInsideASilo_SlicesWaitsByTheSilosResponseTimeout()
    {
        IServiceProvider silo = Assert.IsType<InProcessSiloHandle>(cluster.Cluster.Primary).SiloHost.Services;

        OrleansCallChannel channel = OrleansConnector.InSilo(silo);

        Assert.Equal(WaitingClusterFixture.ResponseTimeout / 3, channel.MaxWaitSlice);
        Assert.True(silo.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.CancelRequestOnTimeout);
    }

    [Fact]
    public void ConnectTimeout_IsTheCallersWhenSet_EvenToTheDefaultValue_Else30Seconds()
    {
        var defaults = new ConnectOptions();
        var setToTheDefault = new ConnectOptions { ConnectTimeout = defaults.ConnectTimeout };
        var shorter = new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(2) };

        Assert.Equal(OrleansConnector.DefaultConnectTimeout, OrleansConnector.ConnectTimeoutOf(ConnectSettings.Default));
        Assert.Equal(OrleansConnector.DefaultConnectTimeout, OrleansConnector.ConnectTimeoutOf(ConnectSettings.From(defaults)));
        Assert.Equal(defaults.ConnectTimeout, OrleansConnector.ConnectTimeoutOf(ConnectSettings.From(setToTheDefault)));
        Assert.Equal(TimeSpan.FromSeconds(2), OrleansConnector.ConnectTimeoutOf(ConnectSettings.From(shorter)));
    }
}
