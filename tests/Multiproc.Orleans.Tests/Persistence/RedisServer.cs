using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Multiproc.Orleans.Tests.Persistence;

/// <summary>A redis-server of the test's own, from PATH, on a free loopback port, with no disk files; killed on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Endpoint = $"127.0.0.1:{port}";
    }

    /// <summary>Gets the server's <c>host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not on PATH or did not start in time.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("multiproc-redis-").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException("redis-server is not on PATH: .ci/run installs it (apt-get install redis-server).", ex);
        }

        var server = new RedisServer(process, directory, port);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    // Keep draining its output so it never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return server;
                }
            }

            throw new InvalidOperationException($"redis-server exited before it was ready (exit code {process.ExitCode}).");
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the server and removes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
