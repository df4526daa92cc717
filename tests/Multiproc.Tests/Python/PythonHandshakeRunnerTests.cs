using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using Multiproc.Python.Wire;

namespace Multiproc.Tests.Python;

/// <summary>The blocking driver over real loopback sockets: both C# roles together, the deadline, a peer that leaves.</summary>
public sealed class PythonHandshakeRunnerTests
{
    private static readonly byte[] s_key = [.. "secret key"u8];
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Run_CSharpServerAndClient_BothCompleteAndTheNextFrameIsIntact()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        var server = new PythonServerHandshake(s_key, requireSha256: true);
        var client = new PythonClientHandshake(s_key, requireSha256: true);
        Task serving = Task.Run(() => PythonHandshakeRunner.Run(pair.Local, server, s_deadline, quickAck: true));

        PythonHandshakeRunner.Run(pair.Peer, client, s_deadline, quickAck: false);
        PythonFrameWriter.Write(pair.Peer, "request"u8);
        await serving.WaitAsync(s_deadline);

        Assert.True(server.IsComplete && client.IsComplete);
        Assert.Equal("sha256", server.ClientDigest);
        Assert.Equal("sha256", client.ServerDigest);
        pair.Local.ReceiveTimeout = 10_000;
        Assert.Equal("request"u8.ToArray(), new PythonFrameReader(pair.Local, 1024, quickAck: true).Read());
    }

    [Fact]
    public async Task Run_DifferentKeys_BothSidesFailAuthentication()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        Task serving = Task.Run(() => PythonHandshakeRunner.Run(pair.Local, new PythonServerHandshake(s_key, false), s_deadline, quickAck: true));

        Assert.Throws<AuthenticationException>(() => PythonHandshakeRunner.Run(pair.Peer, new PythonClientHandshake("other"u8.ToArray(), false), s_deadline, false));
        await Assert.ThrowsAsync<AuthenticationException>(() => serving.WaitAsync(s_deadline));
    }

    [Fact]
    public void Run_SilentPeer_TimesOutAtTheDeadline()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        var deadline = TimeSpan.FromMilliseconds(300);
        long started = Stopwatch.GetTimestamp();

        Assert.Throws<TimeoutException>(() => PythonHandshakeRunner.Run(pair.Local, new PythonServerHandshake(s_key, false), deadline, quickAck: true));

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        Assert.InRange(elapsed, deadline - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5));
        Assert.Equal(0, pair.Local.ReceiveTimeout);
    }

    [Fact]
    public async Task Run_PeerDribblingOneBytePerInterval_TimesOutAtTheWholeHandshakesDeadline()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        var deadline = TimeSpan.FromMilliseconds(500);
        using var stop = new CancellationTokenSource();
        // Pacing, not synchronization: each byte alone would reset a per-read timeout, never the one deadline.
        Task dribbling = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            byte[] answer = [0, 0, 0, 40, .. "{sha256}"u8, .. new byte[32]];
            for (int i = 0; i < answer.Length && await tick.WaitForNextTickAsync(stop.Token); i++)
            {
                pair.Peer.Send(answer.AsSpan(i, 1));
            }
        });
        long started = Stopwatch.GetTimestamp();

        Assert.Throws<TimeoutException>(() => PythonHandshakeRunner.Run(pair.Local, new PythonServerHandshake(s_key, false), deadline, quickAck: true));

        Assert.InRange(Stopwatch.GetElapsedTime(started), deadline - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dribbling.WaitAsync(s_deadline));
    }

    [Fact]
    public void Run_PeerSendsHalfAnAnswerThenCloses_EndOfStream()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Peer.Send([0, 0, 0, 40, .. "{sha256}"u8]);
        pair.Peer.Shutdown(SocketShutdown.Send);

        Assert.Throws<EndOfStreamException>(() => PythonHandshakeRunner.Run(pair.Local, new PythonServerHandshake(s_key, false), s_deadline, quickAck: true));
    }

    [Fact]
    public void Run_GarbageFromAServer_FailsFastWithoutWaitingForTheDeadline()
    {
        using LoopbackPair pair = LoopbackPair.Create();
        pair.Peer.Send("SSH-2.0-OpenSSH_9.6\r\n"u8);
        long started = Stopwatch.GetTimestamp();

        Assert.Throws<ProtocolViolationException>(() => PythonHandshakeRunner.Run(pair.Local, new PythonClientHandshake(s_key, false), s_deadline, quickAck: false));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }
}
