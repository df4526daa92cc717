using System.Globalization;
using Multiproc;
using Multiproc.Bench;

// Side-by-side benchmark, one run: Multiproc against the raw Unix-socket floor and CPython's
// multiprocessing managers (bench/cpython/managers_bench.py). In both, the manager runs in its
// own process and the measuring client is another process. Figures are medians of 3 runs;
// compare ratios, not absolute times.
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
var ours = new Dictionary<string, double>();

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

Dictionary<string, double>? cpython = CPython.Run(quick);
Report.Print(ours, cpython, quick);
return 0;
