using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cluster;

/// <summary>
/// The default mode's cluster: two silo processes of this very program (<c>silo</c> mode) on free
/// loopback ports, silo 1 the primary and silo 2 joined to it. Disposing stops both (killed if they
/// do not stop within a few seconds); they also stop when this process exits, since their standard
/// input is this process' pipe. Given a Redis server, the silos keep their membership and the objects
/// there, under a cluster id of their own.
/// </summary>
internal sealed class LocalSilos : IAsyncDisposable
{
    private readonly List<(Process Process, int Gateway)> _silos = [];
    private readonly string? _redis;
    private readonly string _clusterId;

    private LocalSilos(string? redis)
    {
        _redis = redis;
        // A Redis membership table outlives a run: each run gets its own cluster, never a dead one's silos.
        _clusterId = redis is null ? "sample" : $"sample-{Guid.NewGuid():N}"[..15];
    }

    /// <summary>Gets the address the client and the workers connect to: both gateways, or the Redis server where they find them.</summary>
    public string Address => _redis is null
        ? $"orleans://{string.Join(',', _silos.Select(s => $"127.0.0.1:{s.Gateway}"))}/{_clusterId}/{_clusterId}"
        : $"orleans+redis://{_redis}/{_clusterId}/{_clusterId}";

    /// <summary>Starts silo 1, then silo 2.</summary>
    /// <param name="redis">A Redis server as <c>host:port</c> for membership and persistence, or null for localhost clustering with objects in memory.</param>
    public static async Task<LocalSilos> StartAsync(string? redis)
    {
        var silos = new LocalSilos(redis);
        try
        {
            int primary = await silos.StartSiloAsync(primary: null);
            await silos.StartSiloAsync(primary);
            return silos;
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }
    }

    /// <summary>Which silo (1 or 2) runs as process <paramref name="processId"/>, or 0.</summary>
    public int SiloOf(int processId) => _silos.FindIndex(s => s.Process.Id == processId) + 1;

    public async ValueTask DisposeAsync()
    {
        // Silo 2 first: the primary holds the membership of this development cluster.
        foreach ((Process process, _) in Enumerable.Reverse(_silos))
        {
            process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    /// <summary>Starts a silo (the primary when <paramref name="primary"/> is null) and returns its silo port.</summary>
    /// <remarks>A port found free may be taken before the silo binds it; the silo then exits, and starts again on other ports.</remarks>
    private async Task<int> StartSiloAsync(int? primary)
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort();
            int gateway = FreePort();
            var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                info.ArgumentList.Add(typeof(LocalSilos).Assembly.Location);
            }

            foreach (string argument in (string[])["silo", "--port", Invariant(port), "--gateway", Invariant(gateway), "--primary", Invariant(primary ?? port),
                "--cluster", _clusterId, "--service", _clusterId, "--until-stdin-closes", .. _redis is null ? (string[])[] : ["--redis", _redis]])
            {
                info.ArgumentList.Add(argument);
            }

            Process process = Process.Start(info)!;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null && attempt < 3)
            {
                await process.WaitForExitAsync(deadline.Token);
                process.Dispose();
                continue;
            }

            _silos.Add((process, gateway));
            int number = _silos.Count;
            if (line is null || !line.StartsWith("silo ready", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Silo {number} did not start (it said: {line ?? "nothing"}).");
            }

            Console.WriteLine($"[silo {number}] {line}");
            _ = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is string more)
                {
                    Console.WriteLine($"[silo {number}] {more}");
                }
            });
            return port;
        }
    }

    /// <summary>A loopback port free a moment ago, below Linux' ephemeral range (where outgoing connections take theirs).</summary>
    private static int FreePort()
    {
        while (true)
        {
            int port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
