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
if (args.Length >= 2 && args[0] == "serve-echo")
{
    EchoServer.Serve(args[1]);
    return 0;
}

if (args.Length >= 1 && args[0] == "serve-manager")
{
    await using Manager served = await Manager.StartAsync(new ManagerOptions().Register<ICounter, Counter>());
    Console.WriteLine(served.Address);
    Console.WriteLine(Convert.ToHexString(served.AuthKey.Span));
    await Console.In.ReadToEndAsync();
    return 0;
}

bool quick = args.Contains("--quick");
int iterations = quick ? 5_000 : 30_000;
int employeeCount = quick ? 5_000 : 20_000;
string command = "dotnet run -c Release --project bench/Multiproc.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
Console.WriteLine($"Command: {command}");
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
bool python = Merge(cpython, CPython.RunManagers(quick));
await ProcessFigures.MeasureAsync(quick, ours);
python &= Merge(cpython, CPython.RunProcesses(quick));
ours["employees_s"] = await ArticleScenario.RunAsync(employeeCount);
python &= Merge(cpython, CPython.RunEmployees(employeeCount));

Report.Print(ours, cpython, quick, employeeCount);
Console.WriteLine();
Console.WriteLine("CPython commands: " + string.Join("; ", CPython.Commands));
return python ? 0 : 1;

static bool Merge(Dictionary<string, double> into, Dictionary<string, double>? figures)
{
    foreach ((string key, double value) in figures ?? [])
    {
        into[key] = value;
    }

    return figures is not null;
}
