using System.Globalization;
using System.Security.Cryptography;

namespace Multiproc.Bench;

/// <summary>
/// What a stock CPython client feels (issue 11's speed rows): one client script,
/// bench/cpython/stock_client_bench.py, against a Multiproc manager's Python listener (in this process)
/// and against CPython's own SyncManager server (bench/cpython/stock_server.py, its own process), over
/// TCP and over Unix sockets, same key. Rounds rotate over the four servers; each figure is the median
/// of the rounds, so the machine's drift hits all four alike.
/// </summary>
internal static class PythonClients
{
    private static readonly (string Key, string Label)[] s_rows =
    [
        ("connect", "`SyncManager(...).connect()`"),
        ("create_drop", "`m.list()` create + drop (3 connections)"),
        ("list_append", "`l.append(1)`"),
        ("list_getitem", "`l[0]`"),
        ("list_len", "`len(l)`"),
        ("queue_put_get", "`q.put(1)` + `q.get()`"),
        ("lock_acquire_release", "`lock.acquire()` + `lock.release()`"),
        ("dict_set", "`d['k'] = 1`"),
        ("dict_get", "`d['k']`"),
        ("counter_add", "registered class, `c.add(1)`"),
        ("threads_len", "4 threads, own proxies, `len(l)`: wall ÷ all calls"),
    ];

    private static readonly string[] s_targets = ["Multiproc tcp", "CPython tcp", "Multiproc unix", "CPython unix"];

    public static async Task<int> RunAsync(string[] args)
    {
        bool quick = args.Contains("--quick");
        string interpreter = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "python3";
        int rounds = quick ? 3 : 7;
        int calls = quick ? 500 : 2000;
        string budget = quick ? "0.3" : "1.0";
        string client = Script("stock_client_bench.py");
        byte[] key = RandomNumberGenerator.GetBytes(32);
        string directory = Directory.CreateTempSubdirectory("mp-pyb-").FullName;
        try
        {
            await using Manager tcp = await StartAsync(key, "tcp://127.0.0.1:0");
            await using Manager unix = await StartAsync(key, "unix:" + Path.Combine(directory, "mp.sock"));
            using StockPythonServer cpythonTcp = StockPythonServer.Start(interpreter, Script("stock_server.py"), "tcp", key);
            using StockPythonServer cpythonUnix = StockPythonServer.Start(interpreter, Script("stock_server.py"), Path.Combine(directory, "py.sock"), key);
            var addresses = new Dictionary<string, string>
            {
                ["Multiproc tcp"] = tcp.PythonAddress!["tcp://".Length..],
                ["CPython tcp"] = cpythonTcp.Address,
                ["Multiproc unix"] = unix.PythonAddress!["unix:".Length..],
                ["CPython unix"] = cpythonUnix.Address,
            };
            var figures = s_targets.ToDictionary(t => t, _ => new Dictionary<string, List<double>>());
            for (int round = 0; round < rounds; round++)
            {
                // Rotate the order each round: no server always runs first.
                foreach (string target in s_targets.Skip(round % s_targets.Length).Concat(s_targets.Take(round % s_targets.Length)))
                {
                    Dictionary<string, double>? run = CPython.RunScript(interpreter, client,
                        [addresses[target], Convert.ToHexString(key), "--calls", $"{calls}", "--budget", budget], TimeSpan.FromSeconds(150));
                    if (run is null)
                    {
                        Console.Error.WriteLine($"The client failed against {target}.");
                        return 1;
                    }

                    foreach ((string row, double microseconds) in run)
                    {
                        (figures[target].TryGetValue(row, out List<double>? values) ? values : figures[target][row] = []).Add(microseconds);
                    }
                }

                Console.Error.WriteLine($"round {round + 1} of {rounds} done");
            }

            Print(args, rounds, calls, budget, figures);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task<Manager> StartAsync(byte[] key, string pythonAddress)
        => Manager.StartAsync(new ManagerOptions { AuthKey = key }.Register<ICounter, Counter>("Counter").ServePython(pythonAddress));

    private static string Script(string name)
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "cpython", name);
        return File.Exists(copied) ? copied : throw new FileNotFoundException($"{name} was not copied to the output", copied);
    }

    private static void Print(string[] args, int rounds, int calls, string budget, Dictionary<string, Dictionary<string, List<double>>> figures)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine($"Command: dotnet run -c Release --project bench/Multiproc.Bench -- {string.Join(' ', args)}");
        Console.WriteLine(string.Create(invariant,
            $"Stock {CPython.Version} client (bench/cpython/stock_client_bench.py --calls {calls} --budget {budget}) against Multiproc {typeof(Manager).Assembly.GetName().Version}'s Python listener (in the bench process) and {CPython.Version}'s SyncManager server (stock_server.py, its own process); {rounds} rounds, order rotating; µs per operation, median of the rounds; load average at the end {Measure.LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| operation (stock Python client) | Multiproc tcp µs | CPython tcp µs | Multiproc ÷ CPython | Multiproc unix µs | CPython unix µs | Multiproc ÷ CPython |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach ((string row, string label) in s_rows)
        {
            double mpTcp = Measure.Median(figures["Multiproc tcp"][row]);
            double pyTcp = Measure.Median(figures["CPython tcp"][row]);
            double mpUnix = Measure.Median(figures["Multiproc unix"][row]);
            double pyUnix = Measure.Median(figures["CPython unix"][row]);
            Console.WriteLine(string.Create(invariant,
                $"| {label} | {Format(mpTcp)} | {Format(pyTcp)} | {mpTcp / pyTcp:F2}× | {Format(mpUnix)} | {Format(pyUnix)} | {mpUnix / pyUnix:F2}× |"));
        }

        Console.WriteLine();
        Console.WriteLine("Multiproc ÷ CPython is a time ratio: below 1 the Multiproc listener is faster.");
    }

    private static string Format(double microseconds)
        => microseconds >= 1000 ? microseconds.ToString("N0", CultureInfo.InvariantCulture) : microseconds.ToString("F1", CultureInfo.InvariantCulture);
}
