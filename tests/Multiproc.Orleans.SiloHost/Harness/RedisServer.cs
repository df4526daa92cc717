using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>
/// A <c>redis-server</c> from PATH on a free loopback port, with no snapshots and no append-only file,
/// in a temporary directory; disposing kills it and removes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _output = new();

    private RedisServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    /// <summary>Gets the loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets <c>127.0.0.1:port</c>, as StackExchange.Redis and Orleans' Redis providers take it.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Gets the server's temporary working directory (removed on dispose).</summary>
    public string Directory { get; }

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not on PATH, or it exited before it was ready (the message holds its output).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken)
    {
        int port = FreePort.Next();
        string directory = System.IO.Directory.CreateTempSubdirectory("multiproc-redis-").FullName;
        // Through a shell that reads stdin to its end, then stops redis: the pipe closes when this
        // process exits for any reason (even SIGKILL), so no redis-server outlives its test.
        var info = new ProcessStartInfo("sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in new[]
        {
            "-c", "command -v redis-server >/dev/null || exit 127; redis-server \"$@\" & r=$!; cat >/dev/null; kill $r; wait $r", "sh",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory,
        })
        {
            info.ArgumentList.Add(argument);
        }

        var server = new RedisServer(Process.Start(info)!, port, directory);
        try
        {
            await server.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) => _output.Add(e.Data);
        _process.OutputDataReceived += (_, e) =>
        {
            _output.Add(e.Data);
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException(
                    $"redis-server exited before it was ready (is it on PATH? .ci/run installs it: apt-get install redis-server):{Environment.NewLine}{_output}"));
            }
            else if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
