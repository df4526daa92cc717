using System.Net;
using System.Net.Sockets;

namespace Multiproc.Tests.Tls;

/// <summary>
/// A man in the middle for tests: listens on a loopback port, forwards each connection to a target,
/// records what the client sent, and can corrupt the client's bytes once the connection is past its
/// handshakes.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly MemoryStream _fromClient = new();
    private readonly Task _accepting;

    public TcpRelay(int targetPort, long corruptAfterBytes = long.MaxValue)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        CorruptAfterBytes = corruptAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets after how many client bytes every later client byte is flipped.</summary>
    public long CorruptAfterBytes { get; }

    /// <summary>Gets everything the clients have sent so far.</summary>
    public byte[] ClientBytes()
    {
        lock (_fromClient)
        {
            return _fromClient.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        await Task.WhenAll(_pumps).ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await server.ConnectAsync(_target, _stop.Token);
            _pumps.Add(PumpAsync(client, server, record: true));
            _pumps.Add(PumpAsync(server, client, record: false));
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool record)
    {
        byte[] buffer = new byte[64 * 1024];
        long seen = 0;
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (record)
                {
                    lock (_fromClient)
                    {
                        _fromClient.Write(buffer, 0, read);
                    }

                    for (int i = 0; i < read; i++)
                    {
                        if (seen + i >= CorruptAfterBytes)
                        {
                            buffer[i] ^= 0x5A;
                        }
                    }

                    seen += read;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The test is over, or a side closed.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
