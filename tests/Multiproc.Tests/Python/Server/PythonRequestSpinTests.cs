using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Multiproc.Python.Server;

namespace Multiproc.Tests.Python.Server;

/// <summary>When a Python channel's thread spins for the next request instead of blocking at once.</summary>
public sealed class PythonRequestSpinTests
{
    [Fact]
    public void ARequestRightAfterTheReply_MakesTheChannelBusy()
    {
        var spin = new PythonRequestSpin();

        spin.Replied();
        spin.Arrived();

        Assert.True(spin.IsBusy);
    }

    [Fact]
    public void TheFirstRequest_DoesNotMakeTheChannelBusy()
    {
        var spin = new PythonRequestSpin();

        spin.Arrived();

        Assert.False(spin.IsBusy);
    }

    [Fact]
    public void ARequestAfterAQuietGap_StopsTheSpinning()
    {
        var spin = new PythonRequestSpin();
        spin.Replied();
        spin.Arrived();
        spin.Replied();
        long repliedAt = Stopwatch.GetTimestamp();

        // A client that went quiet: its next request comes well after the window.
        Assert.True(SpinWait.SpinUntil(() => Stopwatch.GetElapsedTime(repliedAt) > PythonRequestSpin.Window * 4, TimeSpan.FromSeconds(5)));
        spin.Arrived();

        Assert.False(spin.IsBusy);
    }

    [Fact]
    public void AwaitNext_ReturnsAtOnceWhenTheRequestIsThere_AndOnAClosedSocket()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        Socket server = listener.Accept();
        var spin = new PythonRequestSpin();
        spin.Replied();
        spin.Arrived();
        client.Send([1]);
        Assert.True(SpinWait.SpinUntil(() => server.Available > 0, TimeSpan.FromSeconds(5)));

        spin.AwaitNext(server);
        Assert.Equal(1, server.Available);

        server.Dispose();
        spin.AwaitNext(server);
    }
}
