using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Bench;

/// <summary>
/// What TLS costs a call: the sync call and pipelined throughput (64 in flight) against three managers
/// in their own processes, on <c>unix:</c>, <c>tcp://</c> and <c>tls://</c> (loopback), measured in
/// interleaved rounds from this process so the machine's drift hits all three alike (docs/tls.md).
/// </summary>
internal static class TlsOverhead
{
    /// <summary>A self-signed ECDSA P-256 certificate for 127.0.0.1, as a test or a first deployment would make.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=multiproc-bench", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), password: null);
    }

    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 3 : 7;
        int calls = quick ? 5_000 : 20_000;
        double seconds = quick ? 0.5 : 1.0;
        string[] transports = ["unix", "tcp", "tls"];
        var servers = new List<ChildProcess>();
        var counters = new Dictionary<string, ICounter>();
        var managers = new List<Manager>();
        try
        {
            foreach (string transport in transports)
            {
                ChildProcess server = transport == "unix" ? ChildProcess.Start("serve-manager") : ChildProcess.Start("serve-manager", transport + "://127.0.0.1:0");
                servers.Add(server);
                string address = server.ReadLine();
                byte[] key = Convert.FromHexString(server.ReadLine());
                Manager manager = await Manager.ConnectAsync(address, key);
                managers.Add(manager);
                counters[transport] = await manager.CreateAsync<ICounter>();
                Measure.MicrosecondsPerOperation(calls / 4, () => counters[transport].Add(1), runs: 1);
            }

            var sync = transports.ToDictionary(t => t, _ => new List<double>());
            var pipelined = transports.ToDictionary(t => t, _ => new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                // Rotate the order each round: no transport always runs first.
                foreach (string transport in transports.Skip(round % 3).Concat(transports.Take(round % 3)))
                {
                    ICounter counter = counters[transport];
                    sync[transport].Add(Measure.MicrosecondsPerOperation(calls, () => counter.Add(1), runs: 1));
                    pipelined[transport].Add(Measure.CallsPerSecond(64, seconds, () => counter.AddAsync(1), runs: 1));
                }
            }

            Print(quick, rounds, calls, sync, pipelined);
            return 0;
        }
        finally
        {
            foreach (Manager manager in managers)
            {
                await manager.DisposeAsync();
            }

            foreach (ChildProcess server in servers)
            {
                server.Dispose();
            }
        }
    }

    private static void Print(bool quick, int rounds, int calls, Dictionary<string, List<double>> sync, Dictionary<string, List<double>> pipelined)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"Command: dotnet run -c Release --project bench/Multiproc.Bench -- tls{(quick ? " --quick" : string.Empty)}");
        Console.WriteLine(string.Create(invariant, $"{rounds} rounds, order rotating; each: {calls:N0} sync calls, then 64 calls in flight; managers in their own processes on loopback; load average {Measure.LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| transport | sync call, µs (median) | ÷ tcp | pipelined, calls/s (median) | ÷ tcp |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        double tcpSync = Measure.Median(sync["tcp"]);
        double tcpPipelined = Measure.Median(pipelined["tcp"]);
        foreach (string transport in new[] { "unix", "tcp", "tls" })
        {
            double s = Measure.Median(sync[transport]);
            double p = Measure.Median(pipelined[transport]);
            Console.WriteLine(string.Create(invariant, $"| {transport} | {s:F1} | {s / tcpSync:F2} | {p:N0} | {p / tcpPipelined:F2} |"));
        }
    }

}
