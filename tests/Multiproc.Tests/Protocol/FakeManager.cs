using System.Net;
using System.Net.Sockets;
using Multiproc.Protocol;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Protocol;

/// <summary>
/// A one-connection manager stand-in on loopback TCP: it runs the product's server handshake and
/// then exposes the raw socket, so a test can read exactly what a real client writes.
/// </summary>
internal sealed class FakeManager : IDisposable
{
    private readonly TcpListener _listener;
    private Socket? _peer;

    private FakeManager(TcpListener listener)
    {
        _listener = listener;
    }

    /// <summary>Gets the key the fake expects: the bytes 0x01 to 0x20.</summary>
    public static byte[] Key { get; } = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    /// <summary>Gets the id the fake announces.</summary>
    public static Guid ServerId { get; } = new("00112233-4455-6677-8899-aabbccddeeff");

    public string Address => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public Socket Peer => _peer ?? throw new InvalidOperationException("No client has connected yet.");

    public static FakeManager Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new FakeManager(listener);
    }

    /// <summary>Accepts the one client without saying anything.</summary>
    public async Task AcceptAsync(CancellationToken cancellationToken)
        => _peer = await _listener.AcceptSocketAsync(cancellationToken);

    /// <summary>Accepts the one client and authenticates it with the product's server handshake.</summary>
    public async Task AcceptAndAuthenticateAsync(CancellationToken cancellationToken)
    {
        await AcceptAsync(cancellationToken);
        var handshake = new ServerHandshake(Key, ServerId);
        await SendAsync(handshake.Hello, cancellationToken);
        while (!handshake.IsComplete)
        {
            byte[] chunk = await ReadExactlyAsync(handshake.Missing, cancellationToken);
            chunk.CopyTo(handshake.Unfilled);
            handshake.Advance(chunk.Length);
        }

        byte[] answer = handshake.Verify(out bool accepted) ?? throw new InvalidOperationException("The client spoke another protocol version.");
        Assert.True(accepted, "the client did not prove it holds the key");
        await SendAsync(answer, cancellationToken);
    }

    public Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
        => Peer.SendAsync(bytes, SocketFlags.None, cancellationToken).AsTask();

    /// <summary>Reads one frame and returns it whole, length prefix included.</summary>
    public Task<byte[]> ReadWholeFrameAsync(CancellationToken cancellationToken)
        => SocketReads.ReadWholeFrameAsync(Peer, "client", cancellationToken);

    public Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        => SocketReads.ReadExactlyAsync(Peer, count, "client", cancellationToken);

    public void Dispose()
    {
        _peer?.Dispose();
        _listener.Dispose();
    }
}
