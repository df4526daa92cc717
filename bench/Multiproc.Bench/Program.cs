using System.Diagnostics;
using Multiproc;
using Multiproc.Bench;

// Side-by-side benchmark: Multiproc against the raw socket floor (and CPython's managers, when
// python3 is present), in one run. Each figure is the median of several runs; compare ratios.
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
int iterations = quick ? 5_000 : 40_000;
var results = new Dictionary<string, double>();

string echoPath = Path.Combine(Path.GetTempPath(), $"mp-echo-{Guid.NewGuid():N}"[..24]);
using (ChildProcess echo = ChildProcess.Start("serve-echo", echoPath))
{
    echo.ReadLine();
    using System.Net.Sockets.Socket socket = EchoServer.Connect(echoPath);
    results["raw_echo_us"] = Median(3, () => EchoServer.MeasureRoundTripMicroseconds(socket, iterations));
}

using (ChildProcess server = ChildProcess.Start("serve-manager"))
{
    string address = server.ReadLine();
    byte[] key = Convert.FromHexString(server.ReadLine());
    await using Manager manager = await Manager.ConnectAsync(address, key);
    ICounter counter = await manager.CreateAsync<ICounter>();
    results["call_int_us"] = Median(3, () => Measure(iterations, () => counter.Add(1)));
    results["pipelined_64_calls_per_s"] = Median(3, () => PipelinedCallsPerSecond(counter, 64, quick ? 0.3 : 1.0));
}

Console.WriteLine();
Console.WriteLine("| operation | Multiproc | raw socket floor | ratio |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| sync call, int arg (µs) | {results["call_int_us"]:F1} | {results["raw_echo_us"]:F1} | {results["call_int_us"] / results["raw_echo_us"]:F2}× |");
Console.WriteLine($"| 64 concurrent async calls, one connection (calls/s) | {results["pipelined_64_calls_per_s"]:N0} | | |");
return 0;

static double Measure(int iterations, Action action)
{
    for (int i = 0; i < iterations / 10; i++)
    {
        action();
    }

    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < iterations; i++)
    {
        action();
    }

    return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
}

static double PipelinedCallsPerSecond(ICounter counter, int concurrency, double seconds)
{
    long calls = 0;
    var deadline = Stopwatch.StartNew();
    Task[] workers = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        long local = 0;
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            await counter.AddAsync(1);
            local++;
        }

        Interlocked.Add(ref calls, local);
    }))];
    Task.WaitAll(workers);
    return calls / deadline.Elapsed.TotalSeconds;
}

static double Median(int runs, Func<double> measure)
{
    double[] values = [.. Enumerable.Range(0, runs).Select(_ => measure()).Order()];
    return values[runs / 2];
}
