using System.Globalization;
using Multiproc;
using Multiproc.Bench;

// Side-by-side benchmark, one run: Multiproc against the raw Unix-socket floor and CPython's
// multiprocessing (bench/cpython/*.py): manager calls (the manager in its own process, measured
// from another process; medians of 3 runs), worker processes and pools (2 workers; see
// bench/process-figures.md), and the article's scenario (samples/Employees, 2 workers).
// Compare ratios, not absolute times.
//
//   dotnet run -c Release --project bench/Multiproc.Bench [-- --quick]
//   dotnet run -c Release --project bench/Multiproc.Bench -- metrics [--quick]     (sync call with and without a meter listener)
//   dotnet run -c Release --project bench/Multiproc.Bench -- tracing [--quick]     (sync call with no activity listener, one sampling nothing, one sampling all)
//   dotnet run -c Release --project bench/Multiproc.Bench -- processes [--quick]   (only the process figures, with CPython's)
//   dotnet run -c Release --project bench/Multiproc.Bench -- tls [--quick]         (sync and pipelined calls over tls:// next to tcp:// and unix:)
//   dotnet run -c Release --project bench/Multiproc.Bench -- pool-starvation   (sync calls from blocked pool threads)
//   dotnet run -c Release --project bench/Multiproc.Bench -- python [--quick] [--python path]  (a stock CPython client against the Python listener and CPython's server)
//   dotnet run -c Release --project bench/Multiproc.Bench -- cluster [--quick]     (one object: single manager vs 2-silo Orleans clusters without and with Redis persistence vs a bare echo grain)
if (args.Length >= 2 && args[0] == "serve-echo")
{
    EchoServer.Serve(args[1]);
    return 0;
}

if (args.Length >= 6 && args[0] == "cluster-silo")
{
    return await ClusterSilo.RunAsync(args);
}

if (args.Length >= 1 && args[0] == "cluster")
{
    return await ClusterComparison.RunAsync(args.Contains("--quick"));
}

if (args.Length >= 1 && args[0] == "serve-manager")
{
    // An optional address: tcp://… or tls://… (a self-signed certificate made here; the printed address carries its pin).
    string? listen = args.Length >= 2 ? args[1] : null;
    var serveOptions = new ManagerOptions { Address = listen }.Register<ICounter, Counter>();
    if (listen is not null && listen.StartsWith("tls://", StringComparison.Ordinal))
    {
        serveOptions.ServerCertificate = TlsOverhead.SelfSignedCertificate();
    }

    await using Manager served = await Manager.StartAsync(serveOptions);
    Console.WriteLine(served.Address);
    Console.WriteLine(Convert.ToHexString(served.AuthKey.Span));
    await Console.In.ReadToEndAsync();
    return 0;
}

// Diagnostics: sync calls from blocked pool threads, in-process manager against child-process hosting.
if (args.Length >= 1 && args[0] == "pool-starvation")
{
    return PoolStarvation.Compare();
}

if (args.Length >= 2 && args[0] == "pool-starvation-run")
{
    return await PoolStarvation.RunAsync(Enum.Parse<ManagerHosting>(args[1]));
}

// Before/after: interleaved pairs of an older commit's probe and this tree's (see BuildComparison).
if (args.Length >= 1 && args[0] == "metrics")
{
    return await MetricsOverhead.RunAsync(args.Contains("--quick"));
}

if (args.Length >= 1 && args[0] == "tls")
{
    return await TlsOverhead.RunAsync(args.Contains("--quick"));
}

if (args.Length >= 1 && args[0] == "python")
{
    return await PythonClients.RunAsync(args);
}

if (args.Length >= 1 && args[0] == "tracing")
{
    return await TracingOverhead.RunAsync(args.Contains("--quick"));
}

if (args.Length >= 1 && args[0] == "processes")
{
    // Only the process figures, each side right after the other (issue 9's rows): minutes, not the whole bench.
    bool quickProcesses = args.Contains("--quick");
    Console.WriteLine($"Command: dotnet run -c Release --project bench/Multiproc.Bench -- {string.Join(' ', args)}");
    var mine = new Dictionary<string, double>();
    await ProcessFigures.MeasureAsync(quickProcesses, mine);
    Dictionary<string, double> theirs = CPython.RunProcesses(quickProcesses) ?? [];
    Report.PrintProcesses(mine, theirs, employees: null);
    Console.WriteLine();
    Console.WriteLine("CPython commands: " + string.Join("; ", CPython.Commands));
    Console.WriteLine($"Load average at the end: {Measure.LoadAverage()}.");
    return theirs.Count > 0 ? 0 : 1;
}

if (args.Length >= 1 && args[0] == "compare")
{
    return BuildComparison.Run(args);
}

// Diagnostics: the article's scenario alone, three times in one process.
if (args.Length >= 2 && args[0] == "article")
{
    for (int i = 0; i < 3; i++)
    {
        Console.WriteLine(await ArticleScenario.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture)));
    }

    return 0;
}

// Diagnostics: only the pipelined-throughput and sync-call figures, five times each.
if (args.Length >= 1 && args[0] == "pipelined")
{
    using ChildProcess server = ChildProcess.Start("serve-manager");
    string address = server.ReadLine();
    byte[] key = Convert.FromHexString(server.ReadLine());
    await using Manager manager = await Manager.ConnectAsync(address, key);
    ICounter counter = await manager.CreateAsync<ICounter>();
    for (int i = 0; i < 5; i++)
    {
        double perSecond = Measure.CallsPerSecond(64, 1.0, () => counter.AddAsync(1), runs: 1);
        double sync = Measure.MicrosecondsPerOperation(5_000, () => counter.Add(1), runs: 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pipelined {perSecond:N0} calls/s; sync {sync:F1} µs"));
    }

    return 0;
}

bool quick = args.Contains("--quick");
int iterations = quick ? 3_000 : 30_000;
int employeeCount = quick ? 2_000 : 20_000;
string command = "dotnet run -c Release --project bench/Multiproc.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
Console.WriteLine($"Command: {command}");
var clock = System.Diagnostics.Stopwatch.StartNew();
var ours = new Dictionary<string, double>();
var cpython = new Dictionary<string, double>();

string echoPath = Path.Combine(Path.GetTempPath(), $"mp-echo-{Guid.NewGuid():N}"[..24]);
using (ChildProcess echo = ChildProcess.Start("serve-echo", echoPath))
{
    echo.ReadLine();
    using System.Net.Sockets.Socket socket = EchoServer.Connect(echoPath);
    ours["raw_echo"] = Measure.MicrosecondsPerOperation(iterations, () => EchoServer.RoundTrip(socket));
}

using (ChildProcess server = ChildProcess.Start("serve-manager"))
{
    string address = server.ReadLine();
    byte[] key = Convert.FromHexString(server.ReadLine());
    await using Manager manager = await Manager.ConnectAsync(address, key);
    await MultiprocOperations.MeasureAsync(manager, iterations, quick, ours);
}

// Each CPython script runs right after the matching Multiproc section: the machine's load drifts.
Section("Multiproc manager operations");
bool python = Merge(cpython, CPython.RunManagers(quick));
Section("CPython managers_bench.py");
await ProcessFigures.MeasureAsync(quick, ours);
Section("Multiproc process figures");
python &= Merge(cpython, CPython.RunProcesses(quick));
Section("CPython process_bench.py");
ours["employees_s"] = await ArticleScenario.RunAsync(employeeCount);
Section("Multiproc article scenario");
python &= Merge(cpython, CPython.RunEmployees(employeeCount));
Section("CPython employees_bench.py");

Report.Print(ours, cpython, quick, employeeCount);
Console.WriteLine();
Console.WriteLine("CPython commands: " + string.Join("; ", CPython.Commands));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Measured in {clock.Elapsed.TotalSeconds:F0} s (after the build); load average at the end: {Measure.LoadAverage()}."));
return python ? 0 : 1;

void Section(string name)
{
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1} s] {name} done"));
}

static bool Merge(Dictionary<string, double> into, Dictionary<string, double>? figures)
{
    foreach ((string key, double value) in figures ?? [])
    {
        into[key] = value;
    }

    return figures is not null;
}
