using System.Globalization;

namespace Multiproc.Bench;

/// <summary>Prints the comparison as a Markdown table (what README shows).</summary>
internal static class Report
{
    private static readonly (string Key, string Label)[] s_operations =
    [
        ("call_int", "user-class method call, int argument (sync)"),
        ("create_proxy", "create a shared object + proxy"),
        ("list_append", "list append"),
        ("list_getitem", "list element read"),
        ("dict_set", "dict set"),
        ("dict_get", "dict get"),
        ("queue_put_get", "queue put + get"),
        ("lock_acquire_release", "lock acquire + release"),
        ("value_get", "Value read"),
    ];

    public static void Print(Dictionary<string, double> ours, Dictionary<string, double> cpython, bool quick, int employees)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"Multiproc {typeof(Manager).Assembly.GetName().Version} vs {CPython.Version}; {Environment.ProcessorCount} cores; {(quick ? "quick" : "full")} run; µs per operation, median of 3");
        Console.WriteLine();
        Console.WriteLine("| operation | Multiproc µs | CPython µs | CPython ÷ Multiproc |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach ((string key, string label) in s_operations)
        {
            if (!ours.TryGetValue(key, out double mine))
            {
                continue;
            }

            string theirs = cpython.TryGetValue(key, out double c) ? c.ToString("F1", invariant) : "–";
            string ratio = cpython.TryGetValue(key, out double c2) ? (c2 / mine).ToString("F1", invariant) + "×" : "–";
            Console.WriteLine(string.Create(invariant, $"| {label} | {mine:F1} | {theirs} | {ratio} |"));
        }

        double calls = ours["pipelined_64_calls_per_s"];
        double t = cpython.GetValueOrDefault("threads_64_calls_per_s");
        string threads = t > 0 ? t.ToString("N0", invariant) + " (64 threads)" : "–";
        Console.WriteLine(string.Create(invariant, $"| 64 concurrent calls on one connection, calls/s | {calls:N0} | {threads} | {(t > 0 ? (calls / t).ToString("F1", invariant) + "× more" : "–")} |"));
        PrintProcesses(ours, cpython, employees);
        Console.WriteLine();
        Console.WriteLine("| floor comparison | µs | ratio |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(string.Create(invariant, $"| raw length-prefixed echo over a Unix socket, two processes | {ours["raw_echo"]:F1} | 1.00× |"));
        Console.WriteLine(string.Create(invariant, $"| Multiproc sync call (int argument) | {ours["call_int"]:F1} | {ours["call_int"] / ours["raw_echo"]:F2}× |"));
        Console.WriteLine(string.Create(invariant, $"| shared-array element write (no proxy) vs proxied list read | {ours["array_write"]:F4} | {ours["list_getitem"] / ours["array_write"]:N0}× faster |"));
    }

    /// <summary>Prints the process figures' table; rows whose figures were not measured show a dash.</summary>
    public static void PrintProcesses(Dictionary<string, double> ours, Dictionary<string, double> cpython, int? employees)
    {
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"| processes ({ProcessFigures.Workers} workers, spawn on CPython) | Multiproc | CPython | CPython ÷ Multiproc |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row("empty worker start → exit (WorkerProcess.Start vs Process.start+join), median", "spawn_start_join_ms", "ms", "F1");
        Row("worker given a list and a dict proxy, Start → its first call on the manager, median (CPython spawn)", "proxy_worker_first_call_ms", "ms", "F1", "_spawn");
        Row("the same, against CPython forkserver", "proxy_worker_first_call_ms", "ms", "F1", "_forkserver");
        Row("CPU time each of those workers used (user + system, RUSAGE_CHILDREN), mean (CPython spawn)", "proxy_worker_cpu_ms", "ms", "F1", "_spawn");
        Row("burst: 8 such workers started back to back, first Start → last first call, median (CPython spawn)", "proxy_worker_burst8_ms", "ms", "F1", "_spawn");
        Row("the same burst, against CPython forkserver", "proxy_worker_burst8_ms", "ms", "F1", "_forkserver");
        Row("pool of 4 whose initializer takes a list proxy, StartAsync → first map result (8 items), median (CPython spawn)", "pool4_proxy_initializer_ms", "ms", "F1", "_spawn");
        Row("the same pool, against CPython forkserver", "pool4_proxy_initializer_ms", "ms", "F1", "_forkserver");
        Row("manager in a child process (ManagerHosting.ChildProcess vs ctx.Manager()), start → list created and appended to, median (spawn)", "manager_process_first_call_ms", "ms", "F1", "_spawn");
        Row("the same, against CPython forkserver", "manager_process_first_call_ms", "ms", "F1", "_forkserver");
        Row("pool single-call round trip (ApplyAsync vs Pool.apply), median", "pool_apply_us", "µs", "F1");
        Row(string.Create(invariant, $"pool map, trivial function, {ProcessFigures.MapItems:N0} items, auto chunk size, per item (best run)"), "pool_map_us_per_item", "µs", "F3");
        if (employees is int count)
        {
            Row(string.Create(invariant, $"article scenario: {count:N0} employees, 2 worker processes, list → both finished"), "employees_s", "s", "F2");
        }

        // theirSuffix: CPython's key is ours plus a start method, where it measures more than one.
        void Row(string label, string key, string unit, string format, string theirSuffix = "")
        {
            string mine = ours.TryGetValue(key, out double m) ? m.ToString(format, invariant) + " " + unit : "–";
            string theirs = cpython.TryGetValue(key + theirSuffix, out double c) ? c.ToString(format, invariant) + " " + unit : "–";
            string ratio = ours.ContainsKey(key) && cpython.ContainsKey(key + theirSuffix) ? (c / m).ToString("F1", invariant) + "×" : "–";
            Console.WriteLine($"| {label} | {mine} | {theirs} | {ratio} |");
        }
    }
}
