using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Multiproc.Soak;

/// <summary>
/// Mode <c>handshake-flood</c>: strangers open connections to a manager (in a child process) and never
/// authenticate, some dripping one byte a second, while a prober connects and calls every 200 ms.
/// Reports the prober's latencies and failures and the manager's threads, memory and descriptors.
/// </summary>
/// <remarks>
/// Options: <c>--sockets N</c> (total per transport, default 2,000), <c>--open K</c> (held open at once,
/// default 500; mind this process's descriptor limit), <c>--transport unix|tcp|both</c> (default both),
/// <c>--max-pending P</c> (the manager's MaxPendingHandshakes, default its default).
/// </remarks>
internal static class HandshakeFlood
{
    private const int Connectors = 32;

    public static async Task<int> RunAsync(string[] args)
    {
        int sockets = Option(args, "--sockets", 2_000);
        int open = Option(args, "--open", 500);
        int? maxPending = args.Contains("--max-pending") ? Option(args, "--max-pending", 128) : null;
        string transport = args.SkipWhile(a => a != "--transport").Skip(1).FirstOrDefault() ?? "both";
        bool failed = false;
        foreach (string kind in transport == "both" ? ["unix", "tcp"] : new[] { transport })
        {
            failed |= !await RunOneAsync(kind == "tcp" ? "tcp://127.0.0.1:0" : null, kind, sockets, open, maxPending);
        }

        return failed ? 1 : 0;
    }

    private static async Task<bool> RunOneAsync(string? address, string kind, int total, int open, int? maxPending)
    {
        var options = new ManagerOptions { Hosting = ManagerHosting.ChildProcess, Address = address };
        if (maxPending is { } cap)
        {
            options.MaxPendingHandshakes = cap;
        }

        await using Manager owner = await Manager.StartAsync(options);
        int pid = owner.ServerProcessId;
        byte[] key = owner.AuthKey.ToArray();
        await ProbeAsync(owner.Address, key);
        ProcessSample baseline = ProcessSample.Read(pid) ?? throw new InvalidOperationException("The manager process is gone.");
        Console.WriteLine($"[{kind}] manager pid {pid} at {owner.Address}; baseline {baseline}");

        using var stop = new CancellationTokenSource();
        var held = new ConcurrentQueue<Socket>();
        var dripping = new ConcurrentQueue<Socket>();
        var errors = new ConcurrentDictionary<string, int>();
        int opened = 0;
        var latencies = new ConcurrentBag<double>();
        int probeFailures = 0;
        var failureKinds = new ConcurrentDictionary<string, int>();
        ProcessSample peak = baseline;
        var clock = Stopwatch.StartNew();

        Task prober = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    await ProbeAsync(owner.Address, key);
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (Exception ex) when (ex is ManagerUnavailableException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    Interlocked.Increment(ref probeFailures);
                    failureKinds.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, (_, n) => n + 1);
                }

                peak = peak.Max(ProcessSample.Read(pid) ?? peak);
                await Task.Delay(200, CancellationToken.None);
            }
        });
        Task drip = Task.Run(() => DripAsync(dripping, stop.Token));
        EndPoint endPoint = ParseEndPoint(owner.Address);
        await Parallel.ForAsync(0, total, new ParallelOptions { MaxDegreeOfParallelism = Connectors }, async (i, _) =>
        {
            Socket socket = new(endPoint.AddressFamily, SocketType.Stream, endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await socket.ConnectAsync(endPoint, timeout.Token);
                Interlocked.Increment(ref opened);
                (i % 10 == 0 ? dripping : held).Enqueue(socket);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                errors.AddOrUpdate(ex is SocketException se ? se.SocketErrorCode.ToString() : "ConnectTimeout", 1, (_, n) => n + 1);
                socket.Dispose();
            }

            while (held.Count + dripping.Count > open && (held.TryDequeue(out Socket? oldest) || dripping.TryDequeue(out oldest)))
            {
                oldest.Dispose();
            }
        });
        TimeSpan floodTime = clock.Elapsed;

        await stop.CancelAsync();
        await prober;
        await drip;
        foreach (Socket socket in held.Concat(dripping))
        {
            socket.Dispose();
        }

        bool servesAfter = await ServesAfterAsync(owner.Address, key);
        ProcessSample? after = ProcessSample.Read(pid);
        double[] sorted = [.. latencies.Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{kind}] {opened:N0} of {total:N0} stranger connections opened in {floodTime.TotalSeconds:F1} s ({opened / floodTime.TotalSeconds:N0}/s), at most {open:N0} held at once; connect errors: {(errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}")))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{kind}] prober: {sorted.Length} connect+call during the flood, failures {probeFailures}; ms p50 {Percentile(sorted, 0.5):F1}, p99 {Percentile(sorted, 0.99):F1}, max {(sorted.Length == 0 ? 0 : sorted[^1]):F1}"));
        foreach ((string failure, int count) in failureKinds)
        {
            Console.WriteLine($"[{kind}] prober failure x{count}: {failure}");
        }

        Console.WriteLine($"[{kind}] manager peak {peak}; after {(after?.ToString() ?? "GONE")}; serves after the flood: {servesAfter}");
        return servesAfter && after is not null;
    }

    private static async Task ProbeAsync(string address, byte[] key)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using Manager manager = await Manager.ConnectAsync(address, key, new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }, timeout.Token);
        await manager.GetStatsAsync(timeout.Token);
    }

    private static async Task<bool> ServesAfterAsync(string address, byte[] key)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                await ProbeAsync(address, key);
                return true;
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or System.Security.Authentication.AuthenticationException)
            {
                await Task.Delay(500);
            }
        }

        return false;
    }

    /// <summary>One byte of a well-formed client hello per socket per second: each byte alone would reset a per-receive timeout.</summary>
    private static async Task DripAsync(ConcurrentQueue<Socket> sockets, CancellationToken cancellationToken)
    {
        byte[] prefix = "MPRC\u0001\0"u8.ToArray();
        for (int round = 0; !cancellationToken.IsCancellationRequested; round++)
        {
            foreach (Socket socket in sockets)
            {
                try
                {
                    socket.Send(prefix.AsSpan(round % prefix.Length, 1));
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Closed by the manager (deadline or cap) or by the flood loop.
                }
            }

            await Task.Delay(1000, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static EndPoint ParseEndPoint(string address)
    {
        if (address.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new UnixDomainSocketEndPoint(address["unix:".Length..]);
        }

        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
    }

    private static double Percentile(double[] sorted, double fraction)
        => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(fraction * sorted.Length))];

    private static int Option(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
