using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Multiproc;
using PythonInterop;

// Across worlds: a C# manager also serves stock CPython clients. C# employees go into a shared list and
// raise jobs into a queue; payroll.py (python3 3.8+, standard library only) takes the jobs, raises the C#
// employees through its proxies, hires someone, and reports back through a second queue.
// Run: dotnet run --project samples/PythonInterop [-- --python /path/to/python3]
string python = args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault() ?? "python3";

await using Manager manager = await Manager.StartAsync(new ManagerOptions()
    .Register<IEmployee, Employee>("Employee")
    .ServePython("tcp://127.0.0.1:0"));

ISharedList<IEmployee> staff = await manager.CreateListAsync<IEmployee>();
foreach ((string name, decimal salary) in new[] { ("Ada", 52_000m), ("Alan", 48_500m), ("Linus", 45_000m), ("Margaret", 58_000m) })
{
    // Created by the short typeid Python knows too (CreateAsync<IEmployee> looks for the interface's full name).
    staff.Add((await manager.CreateAsync("Employee", name, salary)).As<IEmployee>());
}

ISharedQueue<(string Name, int Percent)> raises = await manager.CreateQueueAsync<(string, int)>();
raises.PutMany([("Ada", 10), ("Alan", 5), ("Margaret", 3), ("Ada", 2)]);
ISharedQueue<(string Name, int Percent, decimal Before, decimal After, int Pid)> done = await manager.CreateQueueAsync<(string, int, decimal, decimal, int)>();

// A dictionary the C# side fills and Python reads: each employee's department.
ISharedDictionary<string, string> departments = await manager.CreateDictionaryAsync<string, string>();
departments.SetMany(new Dictionary<string, string> { ["Ada"] = "Engines", ["Alan"] = "Codes", ["Linus"] = "Kernels", ["Margaret"] = "Apollo" });

// Published names are typeids to a Python client: m.staff() is this very list.
await manager.PublishAsync("staff", staff);
await manager.PublishAsync("departments", departments);
await manager.PublishAsync("raises", raises);
await manager.PublishAsync("done", done);

Console.WriteLine($"C# (pid {Environment.ProcessId}) serves Python clients at {manager.PythonAddress}; starting {python} payroll.py");
int exitCode = await RunPythonAsync(python, manager.PythonAddress!["tcp://".Length..], manager.AuthKey, TimeSpan.FromSeconds(60));
if (exitCode != 0)
{
    Console.Error.WriteLine($"payroll.py failed (exit code {exitCode}).");
    return 1;
}

Console.WriteLine();
Console.WriteLine("What Python did, as C# sees it:");
int jobs = 0;
while (done.TryTake(out (string Name, int Percent, decimal Before, decimal After, int Pid) job, TimeSpan.Zero))
{
    jobs++;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  pid {job.Pid} raised {job.Name} by {job.Percent}%: {job.Before:N2} -> {job.After:N2}"));
}

Console.WriteLine("The staff list now (read through C# proxies):");
IEmployee[] everyone = staff.ToArray();
foreach (IEmployee employee in everyone)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {employee.Name,-9} {employee.Salary,10:N2}"));
}

return jobs == 4 && everyone.Length == 5 ? 0 : 1;

// Runs payroll.py and echoes its output; the key goes over its stdin, not its command line (which `ps`
// shows). A script that outlives the timeout, or a failure here, kills it: the sample never hangs.
static async Task<int> RunPythonAsync(string python, string address, ReadOnlyMemory<byte> key, TimeSpan timeout)
{
    var info = new ProcessStartInfo(python) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "payroll.py"));
    info.ArgumentList.Add(address);
    Process script;
    try
    {
        script = Process.Start(info)!;
    }
    catch (Win32Exception e)
    {
        Console.Error.WriteLine($"Could not start {python} ({e.Message}); this sample needs python3 3.8 or later.");
        return 127;
    }

    using (script)
    using (var cancellation = new CancellationTokenSource(timeout))
    {
        try
        {
            try
            {
                await script.StandardInput.WriteLineAsync(Convert.ToHexString(key.Span).AsMemory(), cancellation.Token);
                script.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited before reading its key; its exit code below says so.
            }

            while (await script.StandardOutput.ReadLineAsync(cancellation.Token) is { } line)
            {
                Console.WriteLine("  python> " + line);
            }

            await script.WaitForExitAsync(cancellation.Token);
            return script.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"payroll.py did not finish within {timeout.TotalSeconds} s; killed.");
            return 124;
        }
        finally
        {
            if (!script.HasExited)
            {
                script.Kill(entireProcessTree: true);
            }
        }
    }
}
