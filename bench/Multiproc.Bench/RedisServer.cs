using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Multiproc.Bench;

/// <summary>A throw-away <c>redis-server</c> from PATH on a free loopback port, no snapshots, no AOF; killed on dispose.</summary>
internal sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the server and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not on PATH, exited, or did not answer in time.</exception>
    public static async Task<RedisServer> StartAsync(TimeSpan timeout)
    {
        int port = FreePort.Next();
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH (the persisted rows need it; apt-get install redis-server).", ex);
        }

        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var clock = Stopwatch.StartNew();
        while (!await server.AnswersPingAsync())
        {
            if (process.HasExited || clock.Elapsed > timeout)
            {
                server.Dispose();
                lock (log)
                {
                    throw new InvalidOperationException($"redis-server on port {port} did not answer PING within {timeout.TotalSeconds:F0} s: {log}");
                }
            }

            await Task.Delay(50);
        }

        return server;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            byte[] reply = new byte[7];
            int read = await stream.ReadAsync(reply, timeout.Token);
            return Encoding.ASCII.GetString(reply, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }
}
