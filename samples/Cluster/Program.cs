using System.Diagnostics;
using System.Globalization;
using Cluster;
using Multiproc;
using Multiproc.Orleans;

// The article's scenario (samples/Employees) on an Orleans cluster of two silos, through the same
// Multiproc API: employees in a shared list, two worker processes pop and process them until the
// list is empty, a payroll class of ours shared through the cluster, department totals updated
// atomically, and a lock around an update that takes several calls; then every figure is checked
// against what one process computes.
//   dotnet run --project samples/Cluster [-- --employees 20 --work-ms 50 --quiet]   (starts two silos, runs, stops them)
//   dotnet run --project samples/Cluster -- --redis 127.0.0.1:6379                   (the same, membership and objects in a running redis-server)
// A local cluster by hand, one command per terminal:
//   dotnet run --project samples/Cluster -- silo --port 11111 --gateway 30000
//   dotnet run --project samples/Cluster -- silo --port 11112 --gateway 30001 --primary 11111
//   dotnet run --project samples/Cluster -- client orleans://127.0.0.1:30000,127.0.0.1:30001/dev/dev
// or with Redis (membership and persistence; any silo may die):
//   redis-server --port 6379 --save "" --appendonly no
//   dotnet run --project samples/Cluster -- silo --redis 127.0.0.1:6379 --port 11111 --gateway 30000
//   dotnet run --project samples/Cluster -- silo --redis 127.0.0.1:6379 --port 11112 --gateway 30001
//   dotnet run --project samples/Cluster -- client orleans+redis://127.0.0.1:6379/dev/dev
if (args.Length > 0 && args[0] == "silo")
{
    return await SiloMode.RunAsync(args);
}

int count = Option("--employees", 20);
int workMilliseconds = Option("--work-ms", 50);
bool verbose = !args.Contains("--quiet");
string[] departments = ["Engineering", "Sales", "Support"];
Employee[] staff = [.. Enumerable.Range(1, count).Select(i => new Employee($"emp{i:D5}", departments[i % 3], 40_000m + (i % 50) * 1_000m))];

string? redis = args.SkipWhile(a => a != "--redis").Skip(1).FirstOrDefault();
await using LocalSilos? silos = args.Length > 1 && args[0] == "client" ? null : await LocalSilos.StartAsync(redis);
string address = silos?.Address ?? args[1];
await using Manager cluster = await OrleansManager.ConnectAsync(address);
Console.WriteLine($"Connected to {address}");

var clock = Stopwatch.StartNew();
ISharedList<Employee> employees = await cluster.CreateListAsync(staff);
IPayroll payroll = await cluster.CreateAsync<IPayroll>();
var ledger = new Ledger(
    await cluster.CreateDictionaryAsync<string, decimal>(),
    await cluster.CreateLockAsync(),
    await cluster.CreateNamespaceAsync());
int payrollProcess = payroll.ProcessId;
Console.WriteLine(silos is null
    ? $"The payroll object lives in silo process {payrollProcess}."
    : $"The payroll object lives on silo {silos.SiloOf(payrollProcess)} (pid {payrollProcess}); the built-ins live wherever Orleans placed them.");

// Each worker gets the cluster's proxies; it connects to the cluster itself from their address.
WorkerProcess[] workers =
[
    WorkerProcess.Start(Worker.Work, employees, payroll, ledger, new WorkerSettings("worker-1", verbose, workMilliseconds)),
    WorkerProcess.Start(Worker.Work, employees, payroll, ledger, new WorkerSettings("worker-2", verbose, workMilliseconds)),
];
await Task.WhenAll(workers.Select(w => w.Completion));

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} employees processed by 2 worker processes in {clock.Elapsed.TotalSeconds:F2} s; list now holds {employees.Count}."));
Dictionary<string, int> processedBy = payroll.ProcessedBy();
foreach ((string worker, int processed) in processedBy.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {worker}: {processed}");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total raises paid: {payroll.TotalRaises:N2}"));
decimal? topSalary = ledger.TopEarner.TryGetValue("salary", out decimal salary) ? salary : null;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Top earner: {(topSalary is null ? "none" : ledger.TopEarner.GetValue<string>("name"))} at {topSalary:N2}"));
Dictionary<string, decimal> totals = ledger.DepartmentTotals.Snapshot();
foreach ((string department, decimal total) in totals.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  new payroll of {department,-12} {total,14:N2}"));
}

// The same figures computed here, in one process: the cluster lost and doubled nothing.
decimal[] newSalaries = [.. staff.Select(e => e.Salary + Math.Round(e.Salary * (e.Department == "Engineering" ? 10m : 5m) / 100m, 2))];
bool correct = processedBy.Values.Sum() == count
    && employees.Count == 0
    && payroll.TotalRaises == newSalaries.Sum() - staff.Sum(e => e.Salary)
    && (count == 0 || topSalary == newSalaries.Max())
    && staff.Zip(newSalaries).GroupBy(p => p.First.Department).All(g => totals.GetValueOrDefault(g.Key) == g.Sum(p => p.Second));
Console.WriteLine(correct ? "Checked: every total matches one process' computation." : "MISMATCH: the totals differ from one process' computation.");

foreach (WorkerProcess worker in workers)
{
    await worker.DisposeAsync();
}

// Cluster objects live until deleted (no reference counts): a cluster run by hand keeps nothing behind.
foreach (object shared in (object[])[employees, payroll, ledger.DepartmentTotals, ledger.TopEarnerLock, ledger.TopEarner])
{
    await OrleansManager.DeleteAsync(shared);
}

return correct ? 0 : 1;

int Option(string name, int fallback)
    => args.SkipWhile(a => a != name).Skip(1).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);
